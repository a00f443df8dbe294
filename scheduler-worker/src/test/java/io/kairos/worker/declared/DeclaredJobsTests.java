package io.kairos.worker.declared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kairos.core.Kairos;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import io.kairos.worker.WorkerApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** A worker started with {@code kairos.jobs}, as an operator would configure it. */
@ExtendWith(OutputCaptureExtension.class)
class DeclaredJobsTests {

  TestDatabases.TestDatabase db;
  JdbcTemplate jdbc;
  ConfigurableApplicationContext worker;

  @BeforeEach
  void database() {
    db = TestDatabases.newDatabase();
    jdbc = new JdbcTemplate(db.dataSource(2));
    jdbc.execute("create table tokens (id bigserial primary key, expires_at timestamptz not null)");
    jdbc.execute(
        "insert into tokens (expires_at) select now() + interval '1 minute' * (g - 500)"
            + " from generate_series(1, 1000) g");
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void declaredJobsRunAsConfiguredAndShowInTheMetrics() throws Exception {
    worker =
        start(
            "--kairos.jobs[0].id=clean-expired-tokens",
            "--kairos.jobs[0].type=retention",
            "--kairos.jobs[0].schedule.every=PT1S",
            "--kairos.jobs[0].payload.table=tokens",
            "--kairos.jobs[0].payload.column=expires_at",
            "--kairos.jobs[0].payload.expired=true",
            "--kairos.jobs[0].payload.batchSize=100",
            "--kairos.jobs[1].id=hello-world",
            "--kairos.jobs[1].type=log",
            "--kairos.jobs[1].enabled=false",
            "--kairos.jobs[1].schedule.cron=*/5 * * * * *",
            "--kairos.jobs[1].payload.message=hello");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("select count(*) from tokens where expires_at <= now()") == 0);
    assertThat(count("select count(*) from tokens")).isGreaterThanOrEqualTo(490);
    assertThat(
            jdbc.queryForList(
                KairosSchema.DEFAULT.sql("select id from kairos_job where source = 'CONFIG'"),
                String.class))
        .containsExactly("clean-expired-tokens");

    String port = worker.getEnvironment().getProperty("local.server.port");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(get("http://localhost:" + port + "/actuator/prometheus"))
                    .contains("kairos_executions_total{outcome=\"SUCCEEDED\",type=\"retention\"}")
                    .contains("kairos_execution_start_delay_seconds_bucket")
                    .contains("kairos_executions_due_unclaimed")
                    .contains("kairos_jobs_stale"));
    assertThat(get("http://localhost:" + port + "/actuator/health"))
        .contains("\"dbScheduler\"")
        .contains("\"db\"");
  }

  @Test
  void aJobRemovedFromTheConfigurationIsRemovedFromTheCluster() {
    start(concat(entry(0, "first"), entry(1, "second"))).close();
    worker = start(entry(0, "second"));

    assertThat(
            jdbc.queryForList(
                KairosSchema.DEFAULT.sql("select id from kairos_job where source = 'CONFIG'"),
                String.class))
        .containsExactly("second");
    assertThat(count(KairosSchema.DEFAULT.sql("select count(*) from scheduled_tasks")))
        .isEqualTo(1);
  }

  @Test
  void aDeclaredTimeoutIsStoredWithTheJobAndCarriedByItsExecution() throws Exception {
    worker =
        start(
            "--kairos.jobs[0].id=bounded",
            "--kairos.jobs[0].type=noop",
            "--kairos.jobs[0].schedule.every=PT1H",
            "--kairos.jobs[0].timeout=PT30S");

    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select timeout from kairos_job where id = 'bounded'"),
                String.class))
        .isEqualTo("PT30S");
    String taskData =
        new String(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select task_data from scheduled_tasks where task_instance = 'bounded'"),
                byte[].class),
            java.nio.charset.StandardCharsets.UTF_8);
    assertThat(taskData).contains("\"timeout\":\"PT30S\"");

    // Redefined with another timeout, the job and its execution both change.
    worker.close();
    worker =
        start(
            "--kairos.jobs[0].id=bounded",
            "--kairos.jobs[0].type=noop",
            "--kairos.jobs[0].schedule.every=PT1H",
            "--kairos.jobs[0].timeout=PT2M");
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select timeout from kairos_job where id = 'bounded'"),
                String.class))
        .isEqualTo("PT2M");
  }

  @Test
  void aDeclarationClashingWithAnApiJobDoesNotStopStartUpAndShowsInHealth(CapturedOutput output)
      throws Exception {
    // A client took the id first (the API job), while no worker declared it yet.
    try (ConfigurableApplicationContext first = start()) {
      Kairos kairos = first.getBean(Kairos.class);
      kairos
          .submitter()
          .submit(
              new NewJob(
                  "clean-expired-tokens",
                  "noop",
                  null,
                  kairos.json().createObjectNode(),
                  ScheduleSpec.every(Duration.ofHours(1)),
                  3,
                  0,
                  "client-hash",
                  "billing"));
    }

    worker =
        start(
            concat(
                new String[] {
                  "--kairos.jobs[0].id=clean-expired-tokens",
                  "--kairos.jobs[0].type=log",
                  "--kairos.jobs[0].schedule.every=PT1H",
                  "--kairos.jobs[0].payload.message=declared"
                },
                entry(1, "other-declared")));

    assertThat(
            jdbc.queryForMap(
                KairosSchema.DEFAULT.sql(
                    "select source, created_by, shadows_declaration from kairos_job"
                        + " where id = 'clean-expired-tokens'")))
        .containsEntry("source", "API")
        .containsEntry("created_by", "billing")
        .containsEntry("shadows_declaration", true);
    assertThat(
            jdbc.queryForList(
                KairosSchema.DEFAULT.sql("select id from kairos_job where source = 'CONFIG'"),
                String.class))
        .containsExactly("other-declared");
    assertThat(output.getOut().lines().filter(l -> l.contains("were not applied")))
        .singleElement()
        .satisfies(line -> assertThat(line).contains("WARN").contains("clean-expired-tokens"));
    String port = worker.getEnvironment().getProperty("local.server.port");
    assertThat(get("http://localhost:" + port + "/actuator/health"))
        .contains("\"declaredJobClashes\":[\"clean-expired-tokens\"]");
  }

  @Test
  void aBadEntryStopsStartUpNamingTheEntryAndTheField() {
    assertThatThrownBy(
            () ->
                start(
                    "--kairos.jobs[0].id=fine",
                    "--kairos.jobs[0].type=noop",
                    "--kairos.jobs[0].schedule.every=PT1M",
                    "--kairos.jobs[1].id=broken",
                    "--kairos.jobs[1].type=noop",
                    "--kairos.jobs[1].schedule.cron=every day"))
        .hasStackTraceContaining("kairos.jobs[1] (broken): schedule.cron must have five fields");
    assertThatThrownBy(
            () ->
                start(
                    "--kairos.jobs[0].id=purge",
                    "--kairos.jobs[0].type=retention",
                    "--kairos.jobs[0].schedule.every=PT1M",
                    "--kairos.jobs[0].payload.table=no_such_table",
                    "--kairos.jobs[0].payload.column=x",
                    "--kairos.jobs[0].payload.expired=true"))
        .hasStackTraceContaining(
            "kairos.jobs[0] (purge): payload.table 'no_such_table' does not exist");
    assertThat(count(KairosSchema.DEFAULT.sql("select count(*) from kairos_job"))).isZero();
  }

  private String[] entry(int index, String id) {
    return new String[] {
      "--kairos.jobs[" + index + "].id=" + id,
      "--kairos.jobs[" + index + "].type=noop",
      "--kairos.jobs[" + index + "].schedule.every=PT1H"
    };
  }

  private static String[] concat(String[]... parts) {
    List<String> all = new ArrayList<>();
    for (String[] part : parts) {
      all.addAll(List.of(part));
    }
    return all.toArray(String[]::new);
  }

  private ConfigurableApplicationContext start(String... jobs) {
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + db.jdbcUrl());
    args.add("--spring.datasource.username=" + db.user());
    args.add("--spring.datasource.password=" + (db.password() == null ? "" : db.password()));
    args.add("--server.port=0");
    args.addAll(List.of(jobs));
    return WorkerApplication.application().run(args.toArray(String[]::new));
  }

  private int count(String sql) {
    return jdbc.queryForObject(sql, Integer.class);
  }

  private static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
