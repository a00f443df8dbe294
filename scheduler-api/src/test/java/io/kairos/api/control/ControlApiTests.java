package io.kairos.api.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.ApiApplication;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Replacing a job (PUT), the controls above one job and the misfire grace, over real HTTP against
 * the whole API application on a real PostgreSQL. There is no worker here: a running job is one
 * whose execution is claimed the way a worker's lock-and-fetch claims it.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=control-admin-key-3f8a1c6e9b2d4f7a0c5e8b1d3f6a9c2e",
      "kairos.api.keys[0].name=writer",
      // SHA-256 of "writer-key"
      "kairos.api.keys[0].sha256=3aec1946afb01344ae0065f3b123820a2144e455c13e5816dbd439e6634f7f26",
      "kairos.api.keys[0].scopes=jobs:write",
      "kairos.api.keys[1].name=reader",
      // SHA-256 of "reader-key"
      "kairos.api.keys[1].sha256=ec4408df15da46b328f6f3246fa723d0aa6cb0f0a0dd9c4626080ab1b02aa3b2",
      "kairos.api.keys[1].scopes=jobs:read",
      "kairos.api.wake-up-horizon=0s"
    })
class ControlApiTests {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String WRITER = "writer-key";
  static final String READER = "reader-key";
  static final String ADMIN = "control-admin-key-3f8a1c6e9b2d4f7a0c5e8b1d3f6a9c2e";
  static TestDatabases.TestDatabase database;

  @BeforeAll
  static void database() {
    database = TestDatabases.newDatabase();
  }

  @DynamicPropertySource
  static void datasource(DynamicPropertyRegistry registry) {
    if (database == null) {
      database = TestDatabases.newDatabase();
    }
    registry.add("spring.datasource.url", database::jdbcUrl);
    registry.add("spring.datasource.username", database::user);
    registry.add(
        "spring.datasource.password", () -> database.password() == null ? "" : database.password());
  }

  @LocalServerPort int port;
  @Autowired DataSource dataSource;
  JdbcTemplate jdbc;

  @BeforeEach
  void clean() {
    jdbc = new JdbcTemplate(dataSource);
    jdbc.update(KairosSchema.DEFAULT.sql("delete from scheduled_tasks"));
    jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_job"));
    jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_job_run"));
  }

  // --- Concurrent changes ----------------------------------------------------------------------

  @Test
  void deleteRacingPauseAndResumeAnswersEachOrAConflictNeverAServerError() throws Exception {
    java.util.List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int round = 0; round < 25; round++) {
      String path = "/api/v1/jobs/race-" + round;
      assertThat(
              send("PUT", path, "{\"type\":\"noop\",\"schedule\":{\"every\":\"PT1H\"}}", WRITER)
                  .statusCode())
          .isEqualTo(201);
      java.util.List<java.util.concurrent.Callable<Integer>> calls =
          java.util.List.of(
              () -> send("DELETE", path, null, WRITER).statusCode(),
              () -> send("POST", path + "/pause", null, WRITER).statusCode(),
              () -> send("POST", path + "/resume", null, WRITER).statusCode(),
              () -> send("POST", path + "/pause", null, WRITER).statusCode(),
              () -> send("POST", path + "/resume", null, WRITER).statusCode());
      java.util.concurrent.ExecutorService threads =
          java.util.concurrent.Executors.newFixedThreadPool(calls.size());
      String deleted;
      try {
        var results = threads.invokeAll(calls);
        deleted = String.valueOf(results.get(0).get());
        for (var answer : results) {
          answers.add(String.valueOf(answer.get()));
        }
      } finally {
        threads.shutdown();
      }
      if (deleted.equals("200")) {
        assertThat(state("race-" + round)).isEqualTo("CANCELLED");
      }
    }
    assertThat(answers).allMatch(status -> status.equals("200") || status.equals("409"));
  }

  // --- Replace -------------------------------------------------------------------------------

  @Test
  void putCreatesThenReplacesAndTheSamePutTwiceChangesNothing() throws Exception {
    String first = "{\"type\":\"noop\",\"group\":\"g1\",\"schedule\":{\"every\":\"PT1H\"}}";
    HttpResponse<String> created = send("PUT", "/api/v1/jobs/put-a", first, WRITER);
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/jobs/put-a");
    assertThat(body(created).get("revision").asInt()).isEqualTo(1);
    assertThat(body(created).get("createdBy").asText()).isEqualTo("writer");

    HttpResponse<String> replay = send("PUT", "/api/v1/jobs/put-a", first, WRITER);
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(body(replay).get("revision").asInt()).isEqualTo(1);

    String second =
        "{\"type\":\"log\",\"payload\":{\"message\":\"hi\"},\"priority\":7,"
            + "\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}";
    HttpResponse<String> replaced = send("PUT", "/api/v1/jobs/put-a", second, WRITER);
    assertThat(replaced.statusCode()).isEqualTo(200);
    JsonNode job = body(replaced);
    assertThat(job.get("revision").asInt()).isEqualTo(2);
    assertThat(job.get("type").asText()).isEqualTo("log");
    assertThat(job.get("group").isNull()).as("nothing is kept from the old definition").isTrue();
    assertThat(job.get("priority").asInt()).isEqualTo(7);
    assertThat(job.get("nextRunAt").asText()).isEqualTo("2099-01-01T00:00:00Z");
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select task_name from scheduled_tasks where task_instance = 'put-a'"),
                String.class))
        .isEqualTo("log");
    assertThat(send("PUT", "/api/v1/jobs/put-a", second, WRITER).statusCode()).isEqualTo(200);
    assertThat(revision("put-a")).isEqualTo(2);

    // A POST of the same definition with this id is a replay of it.
    String posted =
        "{\"type\":\"log\",\"id\":\"put-a\",\"payload\":{\"message\":\"hi\"},\"priority\":7,"
            + "\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}";
    assertThat(send("POST", "/api/v1/jobs", posted, WRITER).statusCode()).isEqualTo(200);
  }

  @Test
  void putRevivesACancelledJobAndItsRunsTellTheRevisions() throws Exception {
    send("PUT", "/api/v1/jobs/put-b", "{\"type\":\"noop\"}", WRITER);
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "insert into kairos_job_run (job_id, job_type, scheduled_for, started_at, finished_at,"
                + " node, attempt, outcome, revision) values ('put-b', 'noop', now(), now(), now(),"
                + " 'w', 1, 'SUCCEEDED', 1)"));
    assertThat(send("DELETE", "/api/v1/jobs/put-b", null, WRITER).statusCode()).isEqualTo(200);

    HttpResponse<String> revived =
        send(
            "PUT",
            "/api/v1/jobs/put-b",
            "{\"type\":\"noop\",\"schedule\":{\"every\":\"PT5M\"}}",
            WRITER);
    assertThat(revived.statusCode()).isEqualTo(200);
    assertThat(body(revived).get("state").asText()).isEqualTo("SCHEDULED");
    assertThat(body(revived).get("revision").asInt()).isEqualTo(2);
    assertThat(body(revived).get("lastSuccess").isNull()).isTrue();
    assertThat(body(revived).at("/lastRun/revision").asInt()).isEqualTo(1);
    JsonNode runs = body(send("GET", "/api/v1/jobs/put-b/runs", null, READER));
    assertThat(runs.at("/items/0/revision").asInt()).isEqualTo(1);
  }

  @Test
  void putOnARunningJobIs409WithRetryAfterAndChangesNothing() throws Exception {
    send("PUT", "/api/v1/jobs/put-busy", "{\"type\":\"noop\"}", WRITER);
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update scheduled_tasks set picked = true, picked_by = 'worker-4', last_heartbeat ="
                + " now(), version = version + 1 where task_instance = 'put-busy'"));

    HttpResponse<String> refused =
        send("PUT", "/api/v1/jobs/put-busy", "{\"type\":\"noop\",\"priority\":3}", WRITER);

    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(body(refused).get("runningOn").asText()).isEqualTo("worker-4");
    assertThat(body(refused).get("state").asText()).isEqualTo("RUNNING");
    assertThat(revision("put-busy")).isEqualTo(1);
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select priority from kairos_job where id = 'put-busy'"),
                Integer.class))
        .isZero();
  }

  @Test
  void aBadPutIsRefusedNamingTheFieldAndStoresNothing() throws Exception {
    send("PUT", "/api/v1/jobs/put-c", "{\"type\":\"noop\"}", WRITER);
    String[][] cases = {
      {"{\"type\":\"noop\",\"id\":\"put-c\"}", "id"},
      {"{\"type\":\"log\",\"payload\":{}}", "payload.message"},
      {"{\"type\":\"noop\",\"schedule\":{\"cron\":\"nope\"}}", "schedule.cron"},
      {"{\"type\":\"noop\",\"misfireGrace\":\"P9D\"}", "misfireGrace"},
      {"{\"type\":\"nope\"}", "type"},
    };
    for (String[] c : cases) {
      HttpResponse<String> response = send("PUT", "/api/v1/jobs/put-c", c[0], WRITER);
      assertThat(response.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(body(response).get("field").asText()).as(c[0]).isEqualTo(c[1]);
    }
    HttpResponse<String> badId = send("PUT", "/api/v1/jobs/a%20b", "{\"type\":\"noop\"}", WRITER);
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(body(badId).get("field").asText()).isEqualTo("id");
    assertThat(send("PUT", "/api/v1/jobs/put-c", "{\"type\":\"log\"}", READER).statusCode())
        .isEqualTo(403);
    assertThat(revision("put-c")).isEqualTo(1);
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select count(*) from kairos_job"), Integer.class))
        .isOne();
  }

  // --- Controls above one job ---------------------------------------------------------------

  @Test
  void pausingAndResumingAGroupOverHttp() throws Exception {
    for (String id : new String[] {"grp-1", "grp-2", "grp-busy"}) {
      send(
          "PUT",
          "/api/v1/jobs/" + id,
          "{\"type\":\"noop\",\"group\":\"tenant-7\",\"schedule\":{\"every\":\"PT1H\"}}",
          WRITER);
    }
    send("PUT", "/api/v1/jobs/grp-other", "{\"type\":\"noop\",\"group\":\"tenant-8\"}", WRITER);
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update scheduled_tasks set picked = true, picked_by = 'worker-1', version = version + 1"
                + " where task_instance = 'grp-busy'"));

    HttpResponse<String> paused = send("POST", "/api/v1/jobs/pause?group=tenant-7", null, WRITER);
    assertThat(paused.statusCode()).isEqualTo(200);
    assertThat(body(paused).get("paused").asInt()).isEqualTo(2);
    assertThat(body(paused).at("/running/0/id").asText()).isEqualTo("grp-busy");
    assertThat(body(paused).at("/running/0/runningOn").asText()).isEqualTo("worker-1");
    assertThat(state("grp-1")).isEqualTo("PAUSED");
    assertThat(state("grp-other")).isEqualTo("SCHEDULED");
    JsonNode listed = body(send("GET", "/api/v1/jobs?group=tenant-7&state=PAUSED", null, READER));
    assertThat(listed.get("items")).hasSize(2);

    HttpResponse<String> resumed =
        send("POST", "/api/v1/jobs/resume?group=tenant-7&type=noop", null, WRITER);
    assertThat(resumed.statusCode()).isEqualTo(200);
    assertThat(body(resumed).get("resumed").asInt()).isEqualTo(2);
    assertThat(state("grp-1")).isEqualTo("SCHEDULED");
  }

  @Test
  void aControlAboveOneJobNeedsASelectionAValidOneAndTheScope() throws Exception {
    send("PUT", "/api/v1/jobs/sel-1", "{\"type\":\"noop\",\"group\":\"g\"}", WRITER);
    String[][] cases = {
      {"/api/v1/jobs/pause", "group"},
      {"/api/v1/jobs/pause?type=nope", "type"},
      {"/api/v1/jobs/resume?group=a%20b", "group"},
      {"/api/v1/dead-jobs/requeue", "type"},
    };
    for (String[] c : cases) {
      HttpResponse<String> response = send("POST", c[0], null, WRITER);
      assertThat(response.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(body(response).get("field").asText()).as(c[0]).isEqualTo(c[1]);
    }
    assertThat(send("POST", "/api/v1/jobs/pause?group=g", null, READER).statusCode())
        .isEqualTo(403);
    assertThat(send("POST", "/api/v1/cluster/pause", null, WRITER).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/api/v1/cluster/resume", null, READER).statusCode()).isEqualTo(403);
    assertThat(state("sel-1")).isEqualTo("SCHEDULED");
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select paused from kairos_control"), Boolean.class))
        .isFalse();
  }

  @Test
  void theClusterSwitchIsVisibleAndOnlyAnAdminFlipsIt() throws Exception {
    JsonNode before = body(send("GET", "/api/v1/cluster", null, READER));
    assertThat(before.get("paused").asBoolean()).isFalse();
    try {
      HttpResponse<String> paused = send("POST", "/api/v1/cluster/pause", null, ADMIN);
      assertThat(paused.statusCode()).isEqualTo(200);
      assertThat(body(paused).get("paused").asBoolean()).isTrue();
      assertThat(body(paused).get("by").asText()).isEqualTo("operator");
      String since = body(paused).get("since").asText();

      JsonNode seen = body(send("GET", "/api/v1/cluster", null, READER));
      assertThat(seen.get("paused").asBoolean()).isTrue();
      assertThat(seen.get("since").asText()).isEqualTo(since);
      assertThat(body(send("POST", "/api/v1/cluster/pause", null, ADMIN)).get("since").asText())
          .as("pausing twice is pausing once")
          .isEqualTo(since);
    } finally {
      HttpResponse<String> resumed = send("POST", "/api/v1/cluster/resume", null, ADMIN);
      assertThat(body(resumed).get("paused").asBoolean()).isFalse();
    }
  }

  @Test
  void requeueingDeadJobsByTypeOverHttpCountsThem() throws Exception {
    for (String id : new String[] {"dj-1", "dj-2"}) {
      send("PUT", "/api/v1/jobs/" + id, "{\"type\":\"noop\"}", WRITER);
      jdbc.update(
          KairosSchema.DEFAULT.sql("delete from scheduled_tasks where task_instance = ?"), id);
      jdbc.update(
          KairosSchema.DEFAULT.sql(
              "update kairos_job set state = 'DEAD', finished_at = now() where id = ?"),
          id);
    }
    HttpResponse<String> requeued =
        send("POST", "/api/v1/dead-jobs/requeue?type=noop", null, WRITER);
    assertThat(requeued.statusCode()).isEqualTo(200);
    assertThat(body(requeued).get("requeued").asInt()).isEqualTo(2);
    assertThat(body(requeued).get("skipped").asInt()).isZero();
    assertThat(state("dj-1")).isEqualTo("SCHEDULED");
    assertThat(
            body(send("POST", "/api/v1/dead-jobs/requeue?type=noop", null, WRITER))
                .get("requeued")
                .asInt())
        .isZero();
  }

  private String state(String id) throws Exception {
    return body(send("GET", "/api/v1/jobs/" + id, null, READER)).get("state").asText();
  }

  // --- Misfire grace -------------------------------------------------------------------------

  @Test
  void aPastAtIsJudgedByTheGraceAWorkerWouldApply() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    HttpResponse<String> fourMinutes =
        send("POST", "/api/v1/jobs", at("late-4", now.minus(Duration.ofMinutes(4)), null), WRITER);
    assertThat(fourMinutes.statusCode()).isEqualTo(201);
    assertThat(body(fourMinutes).get("misfireGrace").isNull()).isTrue();

    HttpResponse<String> sixMinutes =
        send("POST", "/api/v1/jobs", at("late-6", now.minus(Duration.ofMinutes(6)), null), WRITER);
    assertThat(sixMinutes.statusCode()).isEqualTo(400);
    assertThat(body(sixMinutes).get("field").asText()).isEqualTo("schedule.at");
    assertThat(body(sixMinutes).get("detail").asText()).contains("PT5M (the cluster's default)");

    HttpResponse<String> none =
        send(
            "POST", "/api/v1/jobs", at("late-none", now.minus(Duration.ofDays(1)), "none"), WRITER);
    assertThat(none.statusCode()).isEqualTo(201);
    assertThat(body(none).get("misfireGrace").asText()).isEqualTo("none");
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job where id in ('late-4', 'late-none')"),
                Integer.class))
        .isEqualTo(2);
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select count(*) from kairos_job where id = 'late-6'"),
                Integer.class))
        .isZero();
  }

  private static String at(String id, Instant at, String grace) {
    return "{\"type\":\"noop\",\"id\":\""
        + id
        + "\",\"schedule\":{\"at\":\""
        + at
        + "\"}"
        + (grace == null ? "" : ",\"misfireGrace\":\"" + grace + "\"")
        + "}";
  }

  private int revision(String id) {
    return jdbc.queryForObject(
        KairosSchema.DEFAULT.sql("select revision from kairos_job where id = ?"),
        Integer.class,
        id);
  }

  private static JsonNode body(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> send(String method, String path, String body, String key)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Authorization", "Bearer " + key)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
