package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestHttpServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Webhook header values are secrets: sealed in the database, "***" in every response, sent for real
 * by the worker, and never logged. A worker and the API on a real PostgreSQL, the webhook's target
 * a real local HTTP server.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretHeadersEndToEndTests {

  static final String SECRET = "Bearer tok-5e1f0a7c9b3d8e2f6a4c1b9d7e3f5a2c";
  static final String TENANT = "tenant-acme-77f3";
  static final String ENCRYPTION_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";

  static TestHttpServer target;
  static KairosUnderTest kairos;
  static JdbcTemplate jdbc;

  @BeforeAll
  static void start() {
    target = TestHttpServer.start();
    // 404: a permanent failure, so the job dies after its first attempt.
    target.otherwise(request -> TestHttpServer.Reply.of(404, "no such hook"));
    List<String> common =
        List.of(
            "--kairos.encryption.key=" + ENCRYPTION_KEY,
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
  }

  private static String webhook(String id, String schedule) {
    return "{\"type\": \"webhook\", \"id\": \""
        + id
        + "\", \"maxAttempts\": 1, "
        + (schedule == null ? "" : "\"schedule\": " + schedule + ", ")
        + "\"payload\": {\"url\": \""
        + target.uri("/hook")
        + "\", \"headers\": {\"Authorization\": \""
        + SECRET
        + "\", \"X-Tenant\": \""
        + TENANT
        + "\"}, \"body\": {\"n\": 1}}}";
  }

  @Test
  void secretHeadersAreSealedMaskedSentAndNeverLogged(CapturedOutput output) throws Exception {
    HttpResponse<String> created = kairos.post("/api/v1/jobs", webhook("hook-1", null));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertMasked(kairos.body(created).path("payload"));
    // An idempotent replay still matches: the request hash is of the plain request.
    HttpResponse<String> replay = kairos.post("/api/v1/jobs", webhook("hook-1", null));
    assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);

    // The worker sends the real value.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> target.received().stream().anyMatch(r -> r.uri().getPath().equals("/hook")));
    TestHttpServer.Received sent = target.received().get(0);
    assertThat(sent.header("Authorization")).isEqualTo(SECRET);
    assertThat(sent.header("X-Tenant")).isEqualTo(TENANT);
    await().atMost(Duration.ofSeconds(30)).until(() -> kairos.state("hook-1").equals("DEAD"));

    // Every response shows "***".
    assertMasked(kairos.job("hook-1").path("payload"));
    JsonNode listed = kairos.body(kairos.get("/api/v1/jobs?type=webhook"));
    assertThat(listed.path("items")).isNotEmpty();
    listed.path("items").forEach(item -> assertMasked(item.path("payload")));
    JsonNode dead = kairos.body(kairos.get("/api/v1/dead-jobs/hook-1"));
    assertMasked(dead.path("payload"));
    JsonNode deadList = kairos.body(kairos.get("/api/v1/dead-jobs"));
    deadList.path("items").forEach(item -> assertMasked(item.path("payload")));
    for (String path :
        List.of(
            "/api/v1/jobs/hook-1",
            "/api/v1/jobs?type=webhook",
            "/api/v1/jobs/hook-1/runs",
            "/api/v1/dead-jobs",
            "/api/v1/dead-jobs/hook-1")) {
      assertThat(kairos.get(path).body()).doesNotContain(SECRET).doesNotContain(TENANT);
    }

    // A pending one keeps it sealed in its task data too.
    HttpResponse<String> later =
        kairos.post("/api/v1/jobs", webhook("hook-later", "{\"every\": \"PT1H\"}"));
    assertThat(later.statusCode()).as(later.body()).isEqualTo(201);
    String rows =
        String.join(
            "\n",
            jdbc.queryForList(
                KairosSchema.DEFAULT.sql("select payload::text from kairos_job"), String.class));
    assertThat(rows).contains("\"sealed\": \"v1:k1:").doesNotContain(SECRET).doesNotContain(TENANT);
    String taskData =
        new String(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select task_data from scheduled_tasks where task_instance = 'hook-later'"),
                byte[].class),
            StandardCharsets.UTF_8);
    assertThat(taskData).contains("v1:k1:").doesNotContain(SECRET).doesNotContain(TENANT);

    // Requeued, the dead job is sent with its real header again.
    assertThat(kairos.post("/api/v1/dead-jobs/hook-1/requeue", null).statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> target.received().size() >= 2 && kairos.state("hook-1").equals("DEAD"));
    assertThat(target.received().get(1).header("Authorization")).isEqualTo(SECRET);

    assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain(TENANT);
  }

  @Test
  void aPayloadSentBackAsItWasReadKeepsItsSecrets() throws Exception {
    String id = "hook-round-trip";
    HttpResponse<String> created =
        kairos.post("/api/v1/jobs", webhook(id, "{\"at\": \"2099-01-01T00:00:00Z\"}"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String authorization = sealed(id, "Authorization");
    String tenant = sealed(id, "X-Tenant");
    assertThat(authorization).startsWith("v1:k1:");

    // Read, change one field, send the payload back whole: its secrets read as the mask.
    HttpResponse<String> read = kairos.get("/api/v1/jobs/" + id);
    String etag = read.headers().firstValue("ETag").orElseThrow();
    ObjectNode payload = (ObjectNode) kairos.body(read).path("payload");
    assertMasked(payload);
    ((ObjectNode) payload.path("body")).put("n", 2);
    HttpResponse<String> patched =
        send("PATCH", id, "{\"payload\": " + payload + "}", "If-Match", etag);
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(kairos.job(id).path("payload").path("body").path("n").asInt()).isEqualTo(2);
    assertThat(sealed(id, "Authorization")).isEqualTo(authorization);
    assertThat(sealed(id, "X-Tenant")).isEqualTo(tenant);

    // The mask where the job has no secret to keep is refused, naming the field.
    HttpResponse<String> noSecret =
        kairos.patch("/api/v1/jobs/" + id, "{\"payload\": {\"headers\": {\"X-Other\": \"***\"}}}");
    kairos.assertProblem(noSecret, 400, "payload.headers.X-Other");

    // PUT replaces whole and keeps nothing: the masked payload read back is refused.
    String replacement =
        "{\"type\": \"webhook\", \"schedule\": {\"at\": \"2099-01-01T00:00:00Z\"}, \"payload\": "
            + payload
            + "}";
    HttpResponse<String> replaced = send("PUT", id, replacement, "Accept", "application/json");
    JsonNode refused = kairos.assertProblem(replaced, 400, null);
    assertThat(refused.path("field").asText())
        .isIn("payload.headers.Authorization", "payload.headers.X-Tenant");
    assertThat(replaced.body())
        .contains("payload.headers.Authorization")
        .contains("payload.headers.X-Tenant");
    assertThat(sealed(id, "Authorization")).isEqualTo(authorization);
    assertThat(kairos.job(id).path("revision").asInt()).isEqualTo(1);

    // Nor may a new job, alone or in a batch, be created from the masked payload (a clone).
    String clone =
        "{\"id\": \"hook-clone\", \"type\": \"webhook\", \"schedule\": {\"at\":"
            + " \"2099-01-01T00:00:00Z\"}, \"payload\": "
            + payload
            + "}";
    JsonNode single = kairos.assertProblem(kairos.post("/api/v1/jobs", clone), 400, null);
    assertThat(single.path("field").asText())
        .isIn("payload.headers.Authorization", "payload.headers.X-Tenant");
    HttpResponse<String> batch = kairos.post("/api/v1/jobs/batch", "{\"jobs\": [" + clone + "]}");
    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
    JsonNode item = kairos.body(batch).path("items").get(0);
    assertThat(item.path("status").asText()).isEqualTo("invalid");
    assertThat(item.at("/problem/status").asInt()).isEqualTo(400);
    assertThat(item.at("/problem/field").asText())
        .isIn("jobs[0].payload.headers.Authorization", "jobs[0].payload.headers.X-Tenant");
    assertThat(kairos.get("/api/v1/jobs/hook-clone").statusCode()).isEqualTo(404);
  }

  private static HttpResponse<String> send(
      String method, String id, String body, String header, String value) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(kairos.base + "/api/v1/jobs/" + id))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + KairosUnderTest.OPERATOR_KEY)
            .header(header, value)
            .build();
    return kairos.http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The sealed value of a header as the job row stores it. */
  private static String sealed(String id, String header) {
    return jdbc.queryForObject(
        KairosSchema.DEFAULT.sql(
            "select payload -> 'headers' -> ? ->> 'sealed' from kairos_job where id = ?"),
        String.class,
        header,
        id);
  }

  private static void assertMasked(JsonNode payload) {
    assertThat(payload.path("headers").path("Authorization").asText()).isEqualTo("***");
    assertThat(payload.path("headers").path("X-Tenant").asText()).isEqualTo("***");
    assertThat(payload.path("url").asText()).endsWith("/hook");
  }
}
