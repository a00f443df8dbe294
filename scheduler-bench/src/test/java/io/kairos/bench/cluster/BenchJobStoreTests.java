package io.kairos.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.kairos.job.Job;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Copies of a job, as benchmarks write many pending jobs, are jobs like the one created. */
class BenchJobStoreTests {

  static KairosFixture fixture;
  static BenchJobStore copies;

  @BeforeAll
  static void start() {
    fixture = new KairosFixture(Map.of(Noop.TYPE, new Noop()), 2);
    copies = new BenchJobStore(fixture.dataSource, KairosSchema.DEFAULT);
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  void copiesMatchTheTemplateRowAndExecutionUnderNewIdsAndGoByPrefix() {
    SettableClock clock = new SettableClock();
    Instant due = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
    clock.set(Instant.now());
    fixture
        .submitter(clock)
        .submit(fixture.job("copy-template", "noop", null, ScheduleSpec.at(due), 3));

    assertThat(copies.writeCopies("copy-template", "copy-", 0, 3)).isEqualTo(3);

    Job template = fixture.jobs.find("copy-template").orElseThrow();
    Job copy = fixture.jobs.find("copy-000000002").orElseThrow();
    assertThat(copy.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(copy).usingRecursiveComparison().ignoringFields("id").isEqualTo(template);
    assertThat(
            fixture.jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from scheduled_tasks where task_instance like 'copy-%'"
                        + " and task_data = (select task_data from scheduled_tasks"
                        + " where task_instance = 'copy-template')"),
                Integer.class))
        .isEqualTo(4);

    copies.deleteStartingWith("copy-0");
    assertThat(fixture.jobs.find("copy-000000000")).isEmpty();
    assertThat(fixture.jobs.find("copy-template")).isPresent();
    assertThat(
            fixture.jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from scheduled_tasks where task_instance like 'copy-%'"),
                Integer.class))
        .isEqualTo(1);
  }

  @Test
  void historyGoesToDayPartitionsSpreadOverTheDaysAsAttemptsOfItsJobs() {
    copies.addHistoryDays(30);

    assertThat(copies.writeHistory("hist-", 0, 300, 100, 30)).isEqualTo(300);

    List<JobRun> newest = fixture.runs.runsOfNewestFirst("hist-000000001", Long.MAX_VALUE, 500);
    assertThat(newest).hasSize(100);
    assertThat(newest).allMatch(r -> r.jobType().equals("noop") && r.attempt() == 1);
    assertThat(newest.stream().filter(r -> r.outcome() == RunOutcome.FAILED)).hasSize(2);
    Instant now = Instant.now();
    assertThat(newest)
        .allMatch(
            r ->
                r.startedAt().isAfter(now.minus(30, ChronoUnit.DAYS))
                    && r.startedAt().isBefore(now.minus(59, ChronoUnit.MINUTES)));
    assertThat(
            fixture.jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select count(distinct tableoid) from kairos_job_run where job_id like 'hist-%'"),
                Integer.class))
        .isGreaterThanOrEqualTo(29);
    assertThat(
            fixture.jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select count(*) from kairos_job_run_default"),
                Integer.class))
        .isZero();
    assertThat(copies.bytesPerHistoryRow()).isPositive();
  }
}
