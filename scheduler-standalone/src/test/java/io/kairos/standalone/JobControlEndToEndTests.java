package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.ReleaseDatabases;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Pause, resume, run now, change and cancel, with a worker running the jobs; Kairos's tables in a
 * schema of another name than the default ({@code kairos.schema}), which every part honours.
 */
class JobControlEndToEndTests {

  static final String SCHEMA = "other_name";

  static KairosUnderTest kairos;

  @BeforeAll
  static void start() {
    List<String> schema = List.of("--kairos.schema=" + SCHEMA);
    kairos = KairosUnderTest.start(schema, schema);
  }

  @Test
  void everyTableOfKairossIsInTheConfiguredSchemaAndNoneElsewhere() throws Exception {
    create("{\"type\":\"noop\",\"id\":\"c-where\"}");
    await().atMost(Duration.ofSeconds(30)).until(() -> kairos.state("c-where").equals("COMPLETED"));

    try (HikariDataSource dataSource = kairos.db.dataSource(1)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      assertThat(ReleaseDatabases.relationsIn(jdbc, SCHEMA)).containsAll(KairosSchema.TABLES);
      assertThat(ReleaseDatabases.relationsIn(jdbc, "public")).isEmpty();
      assertThat(ReleaseDatabases.relationsIn(jdbc, KairosSchema.DEFAULT_NAME)).isEmpty();
      assertThat(
              jdbc.queryForObject(
                  KairosSchema.of(SCHEMA)
                      .sql("select count(*) from kairos_job_run where job_id = 'c-where'"),
                  Integer.class))
          .isEqualTo(1);
      assertThat(
              jdbc.queryForList(
                  KairosSchema.of(SCHEMA).sql("select name from kairos_node"), String.class))
          .contains(KairosUnderTest.WORKER);
    }
  }

  @AfterAll
  static void stop() {
    kairos.close();
  }

  @Test
  void aRunningAttemptShowsItsProgressAndIsStoppedOverRestWithoutRetry() throws Exception {
    create(
        "{\"type\":\"noop\",\"id\":\"c-long\",\"maxAttempts\":3,"
            + "\"payload\":{\"duration\":\"PT120S\"}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> kairos.state("c-long").equals("RUNNING"));
    JsonNode progress =
        await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () -> kairos.job("c-long").at("/runningAttempt/progress"),
                p -> p.isObject() && p.has("done"));
    assertThat(progress.get("total").asLong()).isEqualTo(120);
    assertThat(progress.get("message").asText()).isEqualTo("waiting");

    HttpResponse<String> asked = kairos.post("/api/v1/jobs/c-long/cancel-attempt", null);
    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
    JsonNode running = kairos.body(asked).get("runningAttempt");
    assertThat(running.get("cancelRequestedAt").asText()).isNotBlank();
    assertThat(running.get("cancelRequestedBy").asText()).isEqualTo("operator");

    await().atMost(Duration.ofSeconds(30)).until(() -> kairos.state("c-long").equals("CANCELLED"));
    JsonNode runs = kairos.runs("c-long");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).get("outcome").asText()).isEqualTo("CANCELLED");
    assertThat(runs.get(0).at("/progress/total").asLong()).isEqualTo(120);
    assertThat(kairos.job("c-long").get("runningAttempt").isNull()).isTrue();
    HttpResponse<String> again = kairos.post("/api/v1/jobs/c-long/cancel-attempt", null);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("no running attempt");
    assertThat(kairos.post("/api/v1/jobs/no-such-job/cancel-attempt", null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aSchedulesPolicyIsShownAndABackfillAskedTwiceRunsEachOccurrenceOnce() throws Exception {
    JsonNode created =
        create(
            "{\"type\":\"noop\",\"id\":\"c-policy\",\"schedule\":{\"cron\":\"0 * * * *\","
                + "\"overlap\":\"BUFFER_ONE\",\"catchUp\":\"ALL\",\"catchUpWindow\":\"PT6H\","
                + "\"jitter\":\"PT2M\"}}");
    JsonNode schedule = created.get("schedule");
    assertThat(schedule.get("overlap").asText()).isEqualTo("BUFFER_ONE");
    assertThat(schedule.get("catchUp").asText()).isEqualTo("ALL");
    assertThat(schedule.get("catchUpWindow").asText()).isEqualTo("PT6H");
    assertThat(schedule.get("jitter").asText()).isEqualTo("PT2M");
    HttpResponse<String> refused =
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"noop\",\"id\":\"c-bad\",\"schedule\":{\"every\":\"PT1M\","
                + "\"overlap\":\"QUEUE\"}}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("schedule.overlap");

    Instant hour = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    String range =
        "{\"from\":\""
            + hour.minusSeconds(3 * 3600)
            + "\",\"to\":\""
            + hour.minusSeconds(3600)
            + "\"}";
    JsonNode first = kairos.body(kairos.post("/api/v1/jobs/c-policy/backfill", range));
    assertThat(first.get("created")).hasSize(2);
    String wider = "{\"from\":\"" + hour.minusSeconds(3 * 3600) + "\",\"to\":\"" + hour + "\"}";
    JsonNode again = kairos.body(kairos.post("/api/v1/jobs/c-policy/backfill", wider));
    assertThat(again.get("existing")).isEqualTo(first.get("created"));
    assertThat(again.get("created")).hasSize(1);
    for (JsonNode id :
        List.of(
            first.get("created").get(0),
            first.get("created").get(1),
            again.get("created").get(0))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> kairos.state(id.asText()).equals("COMPLETED"));
      assertThat(kairos.runs(id.asText())).hasSize(1);
    }
    HttpResponse<String> future =
        kairos.post(
            "/api/v1/jobs/c-policy/backfill",
            "{\"from\":\"" + hour + "\",\"to\":\"" + hour.plusSeconds(7200) + "\"}");
    assertThat(future.statusCode()).isEqualTo(400);
    assertThat(future.body()).contains("\"field\":\"to\"");
  }

  @Test
  void aPausedJobDoesNotRunAndRunsAtOnceWhenResumedAfterItsTime() throws Exception {
    Instant at = Instant.now().plusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    create("{\"type\":\"noop\",\"id\":\"c-pause\",\"schedule\":{\"at\":\"" + at + "\"}}");

    JsonNode paused = kairos.body(kairos.post("/api/v1/jobs/c-pause/pause", null));
    assertThat(paused.get("state").asText()).isEqualTo("PAUSED");
    assertThat(Instant.parse(paused.get("nextRunAt").asText())).isEqualTo(at);
    assertThat(kairos.body(kairos.get("/api/v1/jobs?state=PAUSED")).get("items"))
        .extracting(j -> j.get("id").asText())
        .contains("c-pause");

    // Past its time, and it stays unrun while paused.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> kairos.runs("c-pause").isEmpty() && kairos.state("c-pause").equals("PAUSED"));

    JsonNode resumed = kairos.body(kairos.post("/api/v1/jobs/c-pause/resume", null));
    assertThat(resumed.get("state").asText()).isIn("SCHEDULED", "RUNNING", "COMPLETED");
    await().atMost(Duration.ofSeconds(30)).until(() -> kairos.state("c-pause").equals("COMPLETED"));
    assertThat(kairos.runs("c-pause")).hasSize(1);
  }

  @Test
  void aResumedRecurringJobKeepsItsNextOccurrence() throws Exception {
    create("{\"type\":\"noop\",\"id\":\"c-hourly\",\"schedule\":{\"every\":\"PT1H\"}}");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kairos.runs("c-hourly").size() == 1
                    && kairos.state("c-hourly").equals("SCHEDULED"));
    String next = kairos.job("c-hourly").get("nextRunAt").asText();

    JsonNode paused = kairos.body(kairos.post("/api/v1/jobs/c-hourly/pause", null));
    assertThat(paused.get("state").asText()).isEqualTo("PAUSED");
    assertThat(paused.get("nextRunAt").asText()).isEqualTo(next);
    assertThat(kairos.body(kairos.post("/api/v1/jobs/c-hourly/pause", null)).get("state").asText())
        .isEqualTo("PAUSED");

    JsonNode resumed = kairos.body(kairos.post("/api/v1/jobs/c-hourly/resume", null));
    assertThat(resumed.get("state").asText()).isEqualTo("SCHEDULED");
    assertThat(resumed.get("nextRunAt").asText()).isEqualTo(next);
    assertThat(resumed.get("updatedBy").asText()).isEqualTo("operator");
  }

  @Test
  void runNowRunsARecurringJobOnceAndKeepsItsSchedule() throws Exception {
    JsonNode created =
        create(
            "{\"type\":\"noop\",\"id\":\"c-yearly\",\"schedule\":{\"cron\":\"0 0 0 1 1 *\","
                + "\"timeZone\":\"Europe/Oslo\"}}");
    String next = created.get("nextRunAt").asText();

    HttpResponse<String> ran = kairos.post("/api/v1/jobs/c-yearly/run", null);
    assertThat(ran.statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kairos.runs("c-yearly").size() == 1
                    && kairos.state("c-yearly").equals("SCHEDULED"));
    assertThat(kairos.runs("c-yearly").get(0).get("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(kairos.job("c-yearly").get("nextRunAt").asText()).isEqualTo(next);
  }

  @Test
  void aChangeReschedulesAndIsRecordedWithWhoMadeIt() throws Exception {
    create(
        "{\"type\":\"noop\",\"id\":\"c-change\",\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}");
    JsonNode changed =
        kairos.body(
            kairos.patch(
                "/api/v1/jobs/c-change",
                "{\"schedule\":{\"at\":\"2099-06-01T12:00:00\",\"timeZone\":\"Europe/Oslo\"},"
                    + "\"priority\":5,\"maxAttempts\":7}"));
    assertThat(changed.get("nextRunAt").asText()).isEqualTo("2099-06-01T10:00:00Z");
    assertThat(changed.get("priority").asInt()).isEqualTo(5);
    assertThat(changed.get("maxAttempts").asInt()).isEqualTo(7);
    assertThat(changed.get("updatedBy").asText()).isEqualTo("operator");

    kairos.assertProblem(
        kairos.patch("/api/v1/jobs/c-change", "{\"schedule\":{\"cron\":\"every day\"}}"),
        400,
        "schedule.cron");
    kairos.assertProblem(
        kairos.patch("/api/v1/jobs/c-change", "{\"priority\":5000}"), 400, "priority");
    kairos.assertProblem(kairos.patch("/api/v1/jobs/nobody", "{\"priority\":1}"), 404, null);
    assertThat(kairos.job("c-change").get("nextRunAt").asText()).isEqualTo("2099-06-01T10:00:00Z");
    assertThat(kairos.job("c-change").get("priority").asInt()).isEqualTo(5);
  }

  @Test
  void aCancelledJobStaysReadableAsCancelledAndCannotBeResumed() throws Exception {
    create("{\"type\":\"noop\",\"id\":\"c-cancel\",\"schedule\":{\"cron\":\"0 0 9 * * *\"}}");
    JsonNode cancelled = kairos.body(kairos.delete("/api/v1/jobs/c-cancel"));
    assertThat(cancelled.get("state").asText()).isEqualTo("CANCELLED");
    assertThat(cancelled.get("nextRunAt").isNull()).isTrue();
    assertThat(kairos.state("c-cancel")).isEqualTo("CANCELLED");
    assertThat(kairos.delete("/api/v1/jobs/c-cancel").statusCode()).isEqualTo(200);
    kairos.assertProblem(kairos.post("/api/v1/jobs/c-cancel/resume", null), 409, null);
    kairos.assertProblem(kairos.post("/api/v1/jobs/c-cancel/run", null), 409, null);
    kairos.assertProblem(kairos.delete("/api/v1/jobs/nobody"), 404, null);
  }

  @Test
  void cancellingAGroupCancelsItsPendingAndPausedJobsOnly() throws Exception {
    for (int i = 1; i <= 3; i++) {
      create(
          "{\"type\":\"noop\",\"id\":\"c-ex1-"
              + i
              + "\",\"group\":\"exchange-1\",\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}");
    }
    kairos.post("/api/v1/jobs/c-ex1-3/pause", null);
    create(
        "{\"type\":\"noop\",\"id\":\"c-ex2\",\"group\":\"exchange-2\",\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}");

    JsonNode result = kairos.body(kairos.delete("/api/v1/jobs?group=exchange-1"));
    assertThat(result.get("cancelled").asInt()).isEqualTo(3);
    assertThat(result.get("running")).isEmpty();
    for (int i = 1; i <= 3; i++) {
      assertThat(kairos.state("c-ex1-" + i)).isEqualTo("CANCELLED");
    }
    assertThat(kairos.state("c-ex2")).isEqualTo("SCHEDULED");
    assertThat(kairos.body(kairos.delete("/api/v1/jobs?group=exchange-1")).get("cancelled").asInt())
        .isZero();
    kairos.assertProblem(kairos.delete("/api/v1/jobs"), 400, "group");
  }

  @Test
  void aRunningJobCannotBePausedCancelledOrChangedAndTheProblemNamesItsWorker() throws Exception {
    create(
        "{\"type\":\"noop\",\"id\":\"c-busy\",\"group\":\"busy\",\"payload\":{\"duration\":\"PT6S\"}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> kairos.state("c-busy").equals("RUNNING"));
    JsonNode running = kairos.job("c-busy");
    assertThat(running.get("runningOn").asText()).isEqualTo(KairosUnderTest.WORKER);
    assertThat(running.get("lastHeartbeat").isNull()).isFalse();

    JsonNode problem =
        kairos.assertProblem(kairos.post("/api/v1/jobs/c-busy/pause", null), 409, null);
    assertThat(problem.get("runningOn").asText()).isEqualTo(KairosUnderTest.WORKER);
    assertThat(problem.get("state").asText()).isEqualTo("RUNNING");
    kairos.assertProblem(kairos.delete("/api/v1/jobs/c-busy"), 409, null);
    kairos.assertProblem(kairos.patch("/api/v1/jobs/c-busy", "{\"priority\":3}"), 409, null);
    JsonNode group = kairos.body(kairos.delete("/api/v1/jobs?group=busy"));
    assertThat(group.get("cancelled").asInt()).isZero();
    assertThat(group.at("/running/0/id").asText()).isEqualTo("c-busy");
    assertThat(group.at("/running/0/runningOn").asText()).isEqualTo(KairosUnderTest.WORKER);

    await().atMost(Duration.ofSeconds(30)).until(() -> kairos.state("c-busy").equals("COMPLETED"));
    assertThat(kairos.runs("c-busy")).hasSize(1);
    assertThat(kairos.job("c-busy").get("priority").asInt()).isZero();
    kairos.assertProblem(kairos.delete("/api/v1/jobs/c-busy"), 409, null);
  }

  private JsonNode create(String body) throws Exception {
    HttpResponse<String> response = kairos.post("/api/v1/jobs", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return kairos.body(response);
  }
}
