package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.ApiApplication;
import io.kairos.testing.TestDatabases;
import io.kairos.worker.WorkerApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The worker and the API, each a full Spring Boot application, on one real PostgreSQL. */
class EndToEndTests {

  static ConfigurableApplicationContext worker;
  static ConfigurableApplicationContext api;
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();
  static String base;

  @BeforeAll
  static void start() {
    TestDatabases.TestDatabase db = TestDatabases.newDatabase();
    List<String> common = new ArrayList<>();
    common.add("--spring.datasource.url=" + db.jdbcUrl());
    common.add("--spring.datasource.username=" + db.user());
    common.add("--spring.datasource.password=" + (db.password() == null ? "" : db.password()));
    common.add("--server.port=0");
    List<String> workerArgs = new ArrayList<>(common);
    workerArgs.add("--kairos.worker.node-name=e2e-worker");
    worker = WorkerApplication.application().run(workerArgs.toArray(String[]::new));
    api = ApiApplication.application().run(common.toArray(String[]::new));
    base = "http://localhost:" + api.getEnvironment().getProperty("local.server.port");
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void aLogJobPostedForNowRunsOnceAndStaysReadableAsCompleted() throws Exception {
    HttpResponse<String> created =
        post("{\"type\":\"log\",\"id\":\"e2e-hello\",\"payload\":{\"message\":\"hello\"}}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/jobs/e2e-hello");
    assertThat(body(created).get("state").asText()).isIn("SCHEDULED", "RUNNING", "COMPLETED");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> body(get("/api/v1/jobs/e2e-hello")).get("state").asText().equals("COMPLETED"));

    JsonNode runs = body(get("/api/v1/jobs/e2e-hello/runs"));
    assertThat(runs.get("items")).hasSize(1);
    JsonNode run = runs.get("items").get(0);
    assertThat(run.get("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(run.get("attempt").asInt()).isEqualTo(1);
    assertThat(run.get("node").asText()).isEqualTo("e2e-worker");
    assertThat(run.get("recovered").asBoolean()).isFalse();
    assertThat(runs.get("nextCursor").isNull()).isTrue();
    JsonNode job = body(get("/api/v1/jobs/e2e-hello"));
    assertThat(job.get("lastRun").get("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(job.get("finishedAt").isNull()).isFalse();
  }

  @Test
  void aJobScheduledForAnInstantWaitsForIt() throws Exception {
    Instant at = Instant.now().plusSeconds(3).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    HttpResponse<String> created =
        post("{\"type\":\"noop\",\"id\":\"e2e-later\",\"schedule\":{\"at\":\"" + at + "\"}}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(body(created).get("nextRunAt").asText()).isEqualTo(at.toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> body(get("/api/v1/jobs/e2e-later")).get("state").asText().equals("COMPLETED"));
    JsonNode run = body(get("/api/v1/jobs/e2e-later/runs")).get("items").get(0);
    assertThat(Instant.parse(run.get("startedAt").asText())).isAfterOrEqualTo(at);
  }

  @Test
  void theSameIdWithTheSameBodyIsAReplayAndWithAnotherBodyAConflict() throws Exception {
    String request =
        "{\"type\":\"noop\",\"id\":\"e2e-replay\",\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}";
    assertThat(post(request).statusCode()).isEqualTo(201);
    HttpResponse<String> replay = post(request);
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(body(replay).get("id").asText()).isEqualTo("e2e-replay");

    HttpResponse<String> conflict =
        post(
            "{\"type\":\"noop\",\"id\":\"e2e-replay\",\"schedule\":{\"at\":\"2099-01-02T00:00:00Z\"}}");
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(body(get("/api/v1/jobs/e2e-replay")).get("nextRunAt").asText())
        .isEqualTo("2099-01-01T00:00:00Z");
  }

  @Test
  void badRequestsGetAProblemNamingTheFieldAndStoreNothing() throws Exception {
    assertProblem(
        post("{\"type\":\"log\",\"id\":\"bad-1\",\"payload\":{}}"), 400, "payload.message");
    assertProblem(post("{\"type\":\"nope\",\"id\":\"bad-2\"}"), 400, "type");
    assertProblem(
        post("{\"type\":\"noop\",\"id\":\"bad-3\",\"schedule\":{\"at\":\"tomorrow\"}}"),
        400,
        "schedule.at");
    assertProblem(post("{\"type\":\"noop\",\"id\":\"bad 4\"}"), 400, "id");
    assertProblem(post("{\"type\":\"noop\",\"id\":\"bad-5\",\"colour\":\"red\"}"), 400, "colour");
    assertProblem(post("{\"type\":"), 400, null);
    for (String id : List.of("bad-1", "bad-2", "bad-3", "bad-5")) {
      assertThat(get("/api/v1/jobs/" + id).statusCode()).isEqualTo(404);
    }
    assertProblem(get("/api/v1/jobs/nobody"), 404, null);
    assertProblem(get("/api/v1/jobs/nobody/runs"), 404, null);
  }

  private static void assertProblem(HttpResponse<String> response, int status, String field)
      throws Exception {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode problem = body(response);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    if (field != null) {
      assertThat(problem.get("field").asText()).isEqualTo(field);
    }
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode body(HttpResponse<String> response) throws Exception {
    return json.readTree(response.body());
  }
}
