package io.kairos.standalone;

import static io.kairos.standalone.KairosUnderTest.OPERATOR_KEY;
import static io.kairos.standalone.KairosUnderTest.READER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Creating and reading jobs, API keys and hostile requests, with a worker running the jobs. */
class EndToEndTests {

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
  void aLogJobPostedForNowRunsOnceAndStaysReadableAsCompleted() throws Exception {
    HttpResponse<String> created =
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"log\",\"id\":\"e2e-hello\",\"payload\":{\"message\":\"hello\"}}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/jobs/e2e-hello");
    assertThat(kairos.body(created).get("state").asText())
        .isIn("SCHEDULED", "RUNNING", "COMPLETED");
    assertThat(kairos.body(created).get("createdBy").asText()).isEqualTo("operator");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> kairos.state("e2e-hello").equals("COMPLETED"));

    JsonNode runs = kairos.body(kairos.get("/api/v1/jobs/e2e-hello/runs"));
    assertThat(runs.get("items")).hasSize(1);
    JsonNode run = runs.get("items").get(0);
    assertThat(run.get("outcome").asText()).isEqualTo("SUCCEEDED");
    // The execution row is gone once a one-time job completed; its last success is its run's end.
    JsonNode completed = kairos.job("e2e-hello");
    assertThat(completed.get("lastSuccess").asText()).isEqualTo(run.get("finishedAt").asText());
    assertThat(completed.get("lastFailure").isNull()).isTrue();
    assertThat(run.get("attempt").asInt()).isEqualTo(1);
    assertThat(run.get("node").asText()).isEqualTo(KairosUnderTest.WORKER);
    assertThat(run.get("recovered").asBoolean()).isFalse();
    assertThat(run.has("detail")).isTrue();
    assertThat(runs.get("nextCursor").isNull()).isTrue();
    JsonNode job = kairos.job("e2e-hello");
    assertThat(job.get("lastRun").get("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(job.get("finishedAt").isNull()).isFalse();
    assertThat(job.get("nextRunAt").isNull()).isTrue();
  }

  @Test
  void aJobScheduledForAnInstantWaitsForIt() throws Exception {
    Instant at = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
    HttpResponse<String> created =
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"noop\",\"id\":\"e2e-later\",\"schedule\":{\"at\":\"" + at + "\"}}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(kairos.body(created).get("nextRunAt").asText()).isEqualTo(at.toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> kairos.state("e2e-later").equals("COMPLETED"));
    JsonNode run = kairos.runs("e2e-later").get(0);
    assertThat(Instant.parse(run.get("startedAt").asText())).isAfterOrEqualTo(at);
  }

  @Test
  void eachScheduleKindIsStoredAsGivenWithItsNextRun() throws Exception {
    JsonNode local =
        kairos.body(
            kairos.post(
                "/api/v1/jobs",
                "{\"type\":\"log\",\"id\":\"e2e-local\",\"payload\":{\"message\":\"meeting\"},"
                    + "\"schedule\":{\"at\":\"2099-12-18T18:00:00\","
                    + "\"timeZone\":\"America/New_York\"}}"));
    assertThat(local.get("nextRunAt").asText()).isEqualTo("2099-12-18T23:00:00Z");

    JsonNode cron =
        kairos.body(
            kairos.post(
                "/api/v1/jobs",
                "{\"type\":\"log\",\"id\":\"e2e-cron\",\"payload\":{\"message\":\"morning\"},"
                    + "\"schedule\":{\"cron\":\"0 0 9 * * MON-FRI\",\"timeZone\":\"Europe/Oslo\"},"
                    + "\"timeout\":\"PT30S\",\"misfireGrace\":\"PT5M\"}"));
    assertThat(cron.at("/schedule/cron").asText()).isEqualTo("0 0 9 * * MON-FRI");
    assertThat(cron.at("/schedule/timeZone").asText()).isEqualTo("Europe/Oslo");
    assertThat(cron.get("timeout").asText()).isEqualTo("PT30S");
    assertThat(cron.get("misfireGrace").asText()).isEqualTo("PT5M");
    Instant next = Instant.parse(cron.get("nextRunAt").asText());
    assertThat(next.atZone(java.time.ZoneId.of("Europe/Oslo")).getHour()).isEqualTo(9);

    HttpResponse<String> every =
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"noop\",\"id\":\"e2e-every\",\"schedule\":{\"every\":\"PT1H\"}}");
    assertThat(every.statusCode()).isEqualTo(201);
    assertThat(kairos.body(every).get("misfireGrace").asText()).isEqualTo("PT1M");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kairos.runs("e2e-every").size() == 1
                    && kairos.state("e2e-every").equals("SCHEDULED"));
    JsonNode afterRun = kairos.job("e2e-every");
    assertThat(Instant.parse(afterRun.get("nextRunAt").asText()))
        .isEqualTo(
            Instant.parse(afterRun.at("/lastRun/scheduledFor").asText()).plus(Duration.ofHours(1)));
  }

  @Test
  void aFiveFieldCronIsKeptAsWrittenAndFiresOnItsMinute() throws Exception {
    HttpResponse<String> created =
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"noop\",\"id\":\"e2e-cron5\",\"schedule\":{\"cron\":\"* * * * *\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode job = kairos.body(created);
    assertThat(job.at("/schedule/cron").asText()).isEqualTo("* * * * *");
    // Minute first: the next whole minute, not the next second as "* * * * * *" would be.
    Instant nextRun = Instant.parse(job.get("nextRunAt").asText());
    assertThat(nextRun).isEqualTo(nextRun.truncatedTo(ChronoUnit.MINUTES));
    assertThat(nextRun).isBetween(Instant.now().minusSeconds(1), Instant.now().plusSeconds(61));

    // Waits for that minute (at most one), then its run must be for exactly that time.
    await()
        .atMost(Duration.between(Instant.now(), nextRun).plusSeconds(30))
        .until(() -> kairos.runs("e2e-cron5").size() >= 1);
    JsonNode run = kairos.runs("e2e-cron5").get(0);
    assertThat(Instant.parse(run.get("scheduledFor").asText())).isEqualTo(nextRun);
    assertThat(Instant.parse(run.get("startedAt").asText()))
        .isBetween(nextRun, nextRun.plusSeconds(5));
    assertThat(Instant.parse(kairos.job("e2e-cron5").get("nextRunAt").asText()))
        .isEqualTo(nextRun.plus(Duration.ofMinutes(1)));
    assertThat(kairos.delete("/api/v1/jobs/e2e-cron5").statusCode()).isEqualTo(200);
  }

  @Test
  void theSameIdWithTheSameBodyIsAReplayAndWithAnotherBodyAConflict() throws Exception {
    String request =
        "{\"type\":\"noop\",\"id\":\"e2e-replay\",\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}";
    assertThat(kairos.post("/api/v1/jobs", request).statusCode()).isEqualTo(201);
    String reordered =
        "{\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"},\"id\":\"e2e-replay\",\"type\":\"noop\"}";
    HttpResponse<String> replay = kairos.post("/api/v1/jobs", reordered);
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(kairos.body(replay).get("id").asText()).isEqualTo("e2e-replay");

    HttpResponse<String> conflict =
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"noop\",\"id\":\"e2e-replay\",\"schedule\":{\"at\":\"2099-01-02T00:00:00Z\"}}");
    kairos.assertProblem(conflict, 409, "id");
    assertThat(kairos.job("e2e-replay").get("nextRunAt").asText())
        .isEqualTo("2099-01-01T00:00:00Z");
  }

  @Test
  void badRequestsGetAProblemNamingTheFieldAndStoreNothing() throws Exception {
    kairos.assertProblem(
        kairos.post("/api/v1/jobs", "{\"type\":\"log\",\"id\":\"bad-1\",\"payload\":{}}"),
        400,
        "payload.message");
    kairos.assertProblem(
        kairos.post("/api/v1/jobs", "{\"type\":\"nope\",\"id\":\"bad-2\"}"), 400, "type");
    kairos.assertProblem(
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"noop\",\"id\":\"bad-3\",\"schedule\":{\"at\":\"tomorrow\"}}"),
        400,
        "schedule.at");
    kairos.assertProblem(
        kairos.post("/api/v1/jobs", "{\"type\":\"noop\",\"id\":\"bad 4\"}"), 400, "id");
    kairos.assertProblem(
        kairos.post("/api/v1/jobs", "{\"type\":\"noop\",\"id\":\"bad-5\",\"colour\":\"red\"}"),
        400,
        "colour");
    kairos.assertProblem(kairos.post("/api/v1/jobs", "{\"type\":"), 400, null);
    kairos.assertProblem(
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"noop\",\"id\":\"bad-6\",\"schedule\":{\"at\":\"2020-01-01T00:00:00Z\"}}"),
        400,
        "schedule.at");
    kairos.assertProblem(
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"noop\",\"id\":\"bad-7\",\"schedule\":{\"cron\":\"0 0 9 * * *\","
                + "\"timeZone\":\"Europe/Atlantis\"}}"),
        400,
        "schedule.timeZone");
    JsonNode never =
        kairos.assertProblem(
            kairos.post(
                "/api/v1/jobs",
                "{\"type\":\"noop\",\"id\":\"bad-10\",\"schedule\":{\"cron\":\"0 0 0 30 2 *\"}}"),
            400,
            "schedule.cron");
    assertThat(never.get("detail").asText()).contains("never fires");
    kairos.assertProblem(
        kairos.post("/api/v1/jobs", "{\"type\":\"noop\",\"id\":\"bad-8\",\"timeout\":\"1 hour\"}"),
        400,
        "timeout");
    String huge =
        "{\"type\":\"log\",\"id\":\"bad-9\",\"payload\":{\"message\":\""
            + "x".repeat(300 * 1024)
            + "\"}}";
    kairos.assertProblem(kairos.post("/api/v1/jobs", huge), 400, null);
    for (String id :
        List.of("bad-1", "bad-2", "bad-3", "bad-5", "bad-6", "bad-7", "bad-8", "bad-9", "bad-10")) {
      kairos.assertProblem(kairos.get("/api/v1/jobs/" + id), 404, null);
    }
    kairos.assertProblem(kairos.get("/api/v1/jobs/nobody"), 404, null);
    kairos.assertProblem(kairos.get("/api/v1/jobs/nobody/runs"), 404, null);
    kairos.assertProblem(kairos.send("PUT", "/api/v1/jobs/nobody", "{}", OPERATOR_KEY), 405, null);
    kairos.assertProblem(kairos.get("/api/v1/jobs?limit=501"), 400, "limit");
  }

  @Test
  void hostileRequestsGetA4xxProblemAndChangeNothing() throws Exception {
    long before = kairos.body(kairos.get("/api/v1/jobs?limit=500")).get("items").size();
    List<String> bodies =
        List.of(
            "{\"type\":\"noop\",\"id\":\"x'; drop table kairos_job; --\"}",
            "{\"type\":\"noop\",\"id\":\"../../etc/passwd\"}",
            "{\"type\":\"noop\",\"id\":\"e2e-\\u0000null\"}",
            "{\"type\":\"noop\",\"payload\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
            "{\"type\":\"log\",\"payload\":{\"message\":\"" + "y".repeat(5000) + "\"}}",
            "{\"type\":\"noop\",\"priority\":1e400}",
            "{\"type\":\"noop\",\"maxAttempts\":99999999999}",
            "{\"type\":\"noop\",\"schedule\":{\"every\":\"PT0S\"}}",
            "{\"type\":\"noop\",\"schedule\":{\"every\":\"PT99999999999H\"}}",
            "{\"type\":\"noop\",\"timeout\":\"PT99999999999H\"}",
            "{\"type\":\"noop\",\"schedule\":{\"cron\":\"* * * * * * * *\"}}",
            "{\"type\":\"noop\",\"schedule\":{\"at\":\"+999999999-12-31T23:59:59Z\"}}",
            "\"just a string\"",
            "null",
            "");
    for (String body : bodies) {
      HttpResponse<String> response = kairos.post("/api/v1/jobs", body);
      assertThat(response.statusCode())
          .as(body.length() > 200 ? body.substring(0, 200) : body)
          .isBetween(400, 499);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    }
    for (String path :
        List.of(
            "/api/v1/jobs/%2e%2e%2fetc",
            "/api/v1/jobs?cursor=%00%00",
            "/api/v1/jobs?state=%27%3B",
            "/api/v1/jobs/x/runs?limit=-1")) {
      HttpResponse<String> response = kairos.get(path);
      assertThat(response.statusCode()).as(path).isBetween(400, 499);
      assertThat(response.headers().firstValue("Content-Type"))
          .as(path)
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    }
    assertThat(kairos.body(kairos.get("/api/v1/jobs?limit=500")).get("items").size())
        .isEqualTo(before);
  }

  @Test
  void everyEndpointNeedsAKeyAndWritingNeedsTheWriteScope() throws Exception {
    kairos.assertProblem(kairos.send("GET", "/api/v1/jobs", null, null), 401, null);
    kairos.assertProblem(kairos.send("GET", "/api/v1/nodes", null, "not-a-key"), 401, null);
    kairos.assertProblem(
        kairos.send("POST", "/api/v1/jobs", "{\"type\":\"noop\",\"id\":\"e2e-noauth\"}", null),
        401,
        null);
    assertThat(kairos.send("GET", "/api/v1/jobs", null, READER_KEY).statusCode()).isEqualTo(200);
    assertThat(kairos.send("GET", "/api/v1/job-types", null, READER_KEY).statusCode())
        .isEqualTo(200);
    JsonNode forbidden =
        kairos.assertProblem(
            kairos.send(
                "POST", "/api/v1/jobs", "{\"type\":\"noop\",\"id\":\"e2e-reader\"}", READER_KEY),
            403,
            null);
    assertThat(forbidden.get("requiredScope").asText()).isEqualTo("jobs:write");
    kairos.assertProblem(kairos.get("/api/v1/jobs/e2e-noauth"), 404, null);
    kairos.assertProblem(kairos.get("/api/v1/jobs/e2e-reader"), 404, null);
    assertThat(kairos.send("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
    assertThat(kairos.send("GET", "/v3/api-docs", null, null).statusCode()).isEqualTo(200);
  }
}
