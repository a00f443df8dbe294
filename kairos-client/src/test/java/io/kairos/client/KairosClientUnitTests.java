package io.kairos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the client decides without a server: path segments, Retry-After, the builder's checks. */
class KairosClientUnitTests {

  @Test
  void anIdIsAlwaysOnePathSegment() {
    assertThat(KairosClient.segment("oauth-refresh:crm")).isEqualTo("oauth-refresh:crm");
    assertThat(KairosClient.segment("a/b c?d#é")).isEqualTo("a%2Fb%20c%3Fd%23%C3%A9");
    assertThat(KairosClient.segment("..")).isEqualTo("%2E%2E");
  }

  @Test
  void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
    assertThat(KairosClient.retryAfter("5")).isEqualTo(Duration.ofSeconds(5));
    String inAMinute =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(60));
    assertThat(KairosClient.retryAfter(inAMinute))
        .isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
    assertThat(KairosClient.retryAfter("soon")).isNull();
  }

  @Test
  void theBuilderRefusesWhatCannotWorkWithoutQuotingTheKey() {
    assertThatThrownBy(() -> KairosClient.builder().apiKey("k").build())
        .hasMessageContaining("baseUri");
    assertThatThrownBy(
            () ->
                KairosClient.builder()
                    .baseUri(URI.create("ftp://kairos.example"))
                    .apiKey("k")
                    .build())
        .hasMessageContaining("http or https");
    assertThatThrownBy(
            () -> KairosClient.builder().baseUri(URI.create("http://kairos.example")).build())
        .hasMessageContaining("apiKey");
    assertThatThrownBy(
            () ->
                KairosClient.builder()
                    .baseUri(URI.create("http://kairos.example"))
                    .apiKey("secret-part\r\nX-Injected: 1")
                    .build())
        .hasMessageNotContaining("secret-part");
    assertThatThrownBy(() -> KairosClient.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requestsAreImmutableAndLeaveNullMembersOut() throws Exception {
    ObjectNode payload = ClientJson.MAPPER.createObjectNode().put("message", "hi");
    CreateJobRequest request = CreateJobRequest.builder("log").id("j").payload(payload).build();
    payload.put("message", "changed");
    ((ObjectNode) request.payload()).put("message", "changed too");

    assertThat(request.payload().get("message").asText()).isEqualTo("hi");
    assertThat(ClientJson.MAPPER.writeValueAsString(request))
        .isEqualTo("{\"type\":\"log\",\"id\":\"j\",\"payload\":{\"message\":\"hi\"}}");
    assertThat(
            ClientJson.MAPPER.writeValueAsString(
                CreateJobRequest.builder("noop")
                    .payload(Map.of("duration", "PT1S"))
                    .notifyTarget(NotifyTarget.webhook("https://ops.example/k", "DEAD"))
                    .build()
                    .withoutId()))
        .isEqualTo(
            "{\"type\":\"noop\",\"payload\":{\"duration\":\"PT1S\"},"
                + "\"notify\":[{\"webhook\":\"https://ops.example/k\",\"events\":[\"DEAD\"]}]}");
  }
}
