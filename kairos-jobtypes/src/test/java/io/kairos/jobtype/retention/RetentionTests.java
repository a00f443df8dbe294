package io.kairos.jobtype.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RetentionTests {

  static KairosFixture fixture;
  static ManualScheduler scheduler;

  @BeforeAll
  static void setUp() {
    // The handler needs the fixture's DataSource, so tasks are built per test (see run()).
    io.kairos.job.JobHandler<RetentionPayload> unused = (payload, context) -> {};
    fixture = new KairosFixture(Map.of(BuiltInJobTypes.RETENTION, unused), 4);
  }

  @AfterAll
  static void tearDown() {
    fixture.close();
  }

  @Test
  void expiredRowsOfAHundredThousandRowTableAreDeletedExactlyInBatches() {
    fixture.jdbc.execute(
        "create table sessions (id bigserial primary key, expires_at timestamptz not null)");
    // 37,000 expired, 63,000 still valid, interleaved.
    fixture.jdbc.execute(
        "insert into sessions (expires_at) select case when g % 100 < 37"
            + " then now() - interval '1 minute' * g else now() + interval '1 hour' end"
            + " from generate_series(1, 100000) g");

    run(
        "purge-sessions",
        "{\"table\": \"sessions\", \"column\": \"expires_at\", \"expired\": true,"
            + " \"batchSize\": 5000}");

    assertThat(count("select count(*) from sessions")).isEqualTo(63_000);
    assertThat(count("select count(*) from sessions where expires_at <= now()")).isZero();
    JobRun run = fixture.runs.runsOf("purge-sessions", 0, 10).get(0);
    assertThat(run.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
    assertThat(run.detail()).isEqualTo("deleted 37000 rows from sessions in 8 batches");
  }

  @Test
  void rowsOlderThanTheCutOffAreDeletedAndNewerOnesKept() {
    fixture.jdbc.execute("create schema audit");
    fixture.jdbc.execute(
        "create table audit.events (id bigserial primary key, created_at timestamptz not null)");
    fixture.jdbc.execute(
        "insert into audit.events (created_at) select now() - interval '1 day' * g"
            + " - interval '12 hours' from generate_series(0, 59) g");

    run(
        "purge-audit",
        "{\"table\": \"audit.events\", \"column\": \"created_at\", \"olderThan\": \"P30D\"}");

    // 0.5 … 29.5 days old stay, 30.5 … 59.5 days old go.
    assertThat(count("select count(*) from audit.events")).isEqualTo(30);
    assertThat(
            count(
                "select count(*) from audit.events where created_at < now() - interval '30 days'"))
        .isZero();
  }

  @Test
  void aTableThatDoesNotExistMakesTheJobDeadWithoutRetries() {
    run("purge-nothing", "{\"table\": \"nope\", \"column\": \"expires_at\", \"expired\": true}");

    assertThat(fixture.jobs.find("purge-nothing").orElseThrow().state()).isEqualTo(JobState.DEAD);
    assertThat(fixture.runs.runsOf("purge-nothing", 0, 10)).hasSize(1);
  }

  @Test
  void identifiersThatAreNotPlainNamesAreRefusedBeforeAnySqlIsBuilt() {
    assertThatThrownBy(
            () ->
                fixture.catalogue.bind(
                    BuiltInJobTypes.RETENTION,
                    fixture.payload(
                        "{\"table\": \"sessions; drop table sessions\", \"column\": \"x\","
                            + " \"expired\": true}")))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageStartingWith("payload.table");
    assertThatThrownBy(
            () ->
                fixture.catalogue.bind(
                    BuiltInJobTypes.RETENTION,
                    fixture.payload(
                        "{\"table\": \"t\", \"column\": \"a\\\"b\", \"olderThan\": \"P1D\"}")))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageStartingWith("payload.column");
    assertThatThrownBy(
            () ->
                fixture.catalogue.bind(
                    BuiltInJobTypes.RETENTION,
                    fixture.payload(
                        "{\"table\": \"t\", \"column\": \"c\", \"olderThan\": \"P1D\","
                            + " \"expired\": true}")))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageStartingWith("payload.olderThan");
  }

  private void run(String id, String payload) {
    SettableClock clock = new SettableClock();
    var support = fixture.jobTasks(clock, PersistedBackoff.DEFAULT);
    var task = support.task(BuiltInJobTypes.RETENTION, new RetentionHandler(fixture.dataSource));
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(fixture.schedulerDataSource, List.of(task))
                .clock(clock)
                .serializer(fixture.serializer)
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
    fixture
        .submitter(clock)
        .submit(
            fixture.job(
                id, "retention", fixture.payload(payload), ScheduleSpec.at(clock.now()), 3));
    scheduler.runAnyDueExecutions();
  }

  private int count(String sql) {
    return fixture.jdbc.queryForObject(sql, Integer.class);
  }
}
