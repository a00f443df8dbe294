package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cluster-wide pause with a real worker context polling and claiming, over the real API. */
class ClusterPauseEndToEndTests {

  static KairosUnderTest kairos;

  @BeforeAll
  static void start() {
    kairos = KairosUnderTest.start();
  }

  @AfterAll
  static void stop() {
    kairos.close();
  }

  @Test
  void noJobStartsWhileTheClusterIsPausedAndTheyRunOnceItIsResumed() throws Exception {
    JsonNode paused = kairos.body(kairos.post("/api/v1/cluster/pause", null));
    assertThat(paused.get("paused").asBoolean()).isTrue();
    try {
      assertThat(kairos.post("/api/v1/jobs", "{\"type\":\"noop\",\"id\":\"p-now\"}").statusCode())
          .isEqualTo(201);
      HttpResponse<String> every =
          kairos.post(
              "/api/v1/jobs",
              "{\"type\":\"noop\",\"id\":\"p-every\",\"schedule\":{\"every\":\"PT1H\"}}");
      assertThat(every.statusCode()).isEqualTo(201);

      // Due now, with the worker polling every second and woken by the API: nothing starts.
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(6))
          .until(
              () ->
                  kairos.runs("p-now").isEmpty()
                      && kairos.runs("p-every").isEmpty()
                      && kairos.state("p-now").equals("SCHEDULED"));
      assertThat(kairos.body(kairos.get("/api/v1/cluster")).get("paused").asBoolean()).isTrue();
    } finally {
      JsonNode resumed = kairos.body(kairos.post("/api/v1/cluster/resume", null));
      assertThat(resumed.get("paused").asBoolean()).isFalse();
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> kairos.state("p-now").equals("COMPLETED"));
    await().atMost(Duration.ofSeconds(20)).until(() -> kairos.runs("p-every").size() == 1);
    assertThat(kairos.runs("p-now")).hasSize(1);
    assertThat(kairos.runs("p-now").get(0).get("outcome").asText()).isEqualTo("SUCCEEDED");
  }
}
