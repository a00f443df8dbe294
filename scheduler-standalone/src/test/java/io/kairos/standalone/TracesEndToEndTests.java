package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestHttpServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One trace from the request that creates a job to the webhook its attempt sends: the API continues
 * the caller's {@code traceparent}, the job is stored with it, the worker's attempt is a span in
 * that trace, the webhook's receiver (a real local HTTP server) gets the attempt's {@code
 * traceparent}, the attempt's log lines carry the trace id, and both applications export their
 * spans over OTLP to the endpoint {@code OTEL_EXPORTER_OTLP_ENDPOINT} names (an in-process
 * receiver, here, whose protobuf bodies hold the trace id's 16 bytes).
 */
@ExtendWith(OutputCaptureExtension.class)
class TracesEndToEndTests {

  static TestHttpServer target;
  static TestHttpServer otlp;
  static KairosUnderTest kairos;
  static JdbcTemplate jdbc;

  @BeforeAll
  static void start() {
    target = TestHttpServer.start();
    target.otherwise(request -> TestHttpServer.Reply.of(200, "ok"));
    otlp = TestHttpServer.start();
    otlp.otherwise(request -> TestHttpServer.Reply.of(200, ""));
    List<String> common =
        List.of(
            "--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:" + otlp.port(),
            "--kairos.webhook.signing-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "--kairos.webhook.allowed-networks=127.0.0.0/8",
            "--kairos.webhook.allowed-ports=" + target.port());
    kairos = KairosUnderTest.start(common, common);
    jdbc = new JdbcTemplate(kairos.db.dataSource(2));
  }

  @AfterAll
  static void stop() {
    if (kairos != null) {
      kairos.close();
    }
    if (target != null) {
      target.close();
    }
    if (otlp != null) {
      otlp.close();
    }
  }

  @Test
  void createAttemptAndWebhookShareOneTrace(CapturedOutput output) throws Exception {
    String traceId = HexFormat.of().formatHex(randomBytes(16));
    String caller = "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01";

    HttpResponse<String> hook =
        create(
            caller,
            "{\"type\": \"webhook\", \"id\": \"traced-hook\", \"maxAttempts\": 1, \"payload\":"
                + " {\"url\": \""
                + target.uri("/hook")
                + "\", \"body\": {\"n\": 1}}}");
    assertThat(hook.statusCode()).as(hook.body()).isEqualTo(201);
    HttpResponse<String> line =
        create(
            caller,
            "{\"type\": \"log\", \"id\": \"traced-log\", \"payload\": {\"message\":"
                + " \"traced line 7f3a\"}}");
    assertThat(line.statusCode()).as(line.body()).isEqualTo(201);
    HttpResponse<String> recurring =
        create(
            caller,
            "{\"type\": \"noop\", \"id\": \"traced-recurring\", \"schedule\": {\"every\":"
                + " \"PT1H\"}, \"payload\": {}}");
    assertThat(recurring.statusCode()).as(recurring.body()).isEqualTo(201);

    // Stored with the job: the API's request span, a child of the caller's.
    String taskData =
        new String(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select task_data from scheduled_tasks where task_instance ="
                        + " 'traced-recurring'"),
                byte[].class),
            StandardCharsets.UTF_8);
    assertThat(taskData).contains("\"traceParent\":\"00-" + traceId + "-");
    assertThat(taskData).doesNotContain(caller);

    // The webhook's receiver gets the attempt's span: same trace, a span of its own.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> target.received().stream().anyMatch(r -> r.uri().getPath().equals("/hook")));
    String sent = target.received().get(0).header("traceparent");
    assertThat(sent).matches("00-" + traceId + "-[0-9a-f]{16}-01").isNotEqualTo(caller);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> kairos.state("traced-hook").equals("COMPLETED"));

    // The attempt's log line carries the trace id.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                output
                    .getAll()
                    .lines()
                    .anyMatch(l -> l.contains("traced line 7f3a") && l.contains(traceId)));

    // Both applications export their spans of the trace: the request's and the attempts'.
    byte[] traceIdBytes = HexFormat.of().parseHex(traceId);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                exported(traceIdBytes, "kairos attempt webhook")
                    && exported(traceIdBytes, "kairos attempt log")
                    && exported(traceIdBytes, "/api/v1/jobs"));
    assertThat(otlp.received()).allMatch(r -> r.uri().getPath().equals("/v1/traces"));
  }

  private static HttpResponse<String> create(String traceParent, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(kairos.base + "/api/v1/jobs"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + KairosUnderTest.OPERATOR_KEY)
            .header("traceparent", traceParent)
            .build();
    return kairos.http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Whether an exported batch holds a span of trace {@code traceId} and the text {@code text}. */
  private static boolean exported(byte[] traceId, String text) {
    return otlp.received().stream()
        .map(TestHttpServer.Received::body)
        .anyMatch(
            body ->
                indexOf(body, traceId) >= 0
                    && indexOf(body, text.getBytes(StandardCharsets.UTF_8)) >= 0);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
