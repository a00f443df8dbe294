package io.kairos.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.control.JobSubmitter;
import io.kairos.execution.JobTasks;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.ScheduleSpec;
import io.kairos.registry.TransactionJoiningDataSource;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three schedulers, each with its own connection pool as separate workers would have, share one
 * database. Every execution writes a ledger row from inside its handler; the ledger then shows
 * whether anything ran twice or not at all.
 */
class ClusterTests {

  record LedgerEntry() {}

  static final JobType<LedgerEntry> LEDGER =
      new JobType<>("ledger", LedgerEntry.class, "writes a ledger row");
  static final int ONE_TIME_JOBS = 2_000;
  static final int RECURRING_OCCURRENCES = 20;

  final List<Scheduler> schedulers = new ArrayList<>();
  final List<HikariDataSource> pools = new ArrayList<>();
  KairosFixture fixture;

  @AfterEach
  void stop() {
    schedulers.forEach(Scheduler::stop);
    pools.forEach(HikariDataSource::close);
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void threeSchedulersRunEachOneTimeJobAndEachRecurringOccurrenceExactlyOnce() {
    JobHandler<LedgerEntry> ledger =
        (payload, context) ->
            fixture.jdbc.update(
                "insert into ledger (job_id, scheduled_for, node) values (?, ?, ?)",
                context.jobId(),
                Timestamp.from(context.scheduledFor()),
                context.node());
    fixture = new KairosFixture(Map.of(LEDGER, ledger), 8);
    fixture.jdbc.execute(
        "create table ledger (job_id text not null, scheduled_for timestamptz not null,"
            + " node text not null)");
    SystemClock clock = new SystemClock();
    for (int node = 1; node <= 3; node++) {
      HikariDataSource pool = fixture.database.dataSource(12);
      pools.add(pool);
      JobTasks support = fixture.jobTasks(pool, clock, PersistedBackoff.DEFAULT);
      Scheduler scheduler =
          Scheduler.create(new TransactionJoiningDataSource(pool), fixture.tasks(support))
              .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
              .schedulerName(new SchedulerName.Fixed("node-" + node))
              .serializer(fixture.serializer)
              .threads(8)
              .pollUsingLockAndFetch(0.5, 1.0)
              .pollingInterval(Duration.ofMillis(200))
              .heartbeatInterval(Duration.ofSeconds(1))
              .missedHeartbeatsLimit(5)
              .enablePriority()
              .build();
      scheduler.start();
      schedulers.add(scheduler);
    }

    JobSubmitter submitter = fixture.submitter(clock);
    submitter.submit(
        fixture.job("every-second", "ledger", null, ScheduleSpec.every(Duration.ofSeconds(1)), 3));
    Instant now = Instant.now();
    for (int i = 0; i < ONE_TIME_JOBS; i++) {
      // Due times spread over the first few seconds, interleaved with the recurring job.
      Instant at = now.plusMillis(i * 2L);
      submitter.submit(fixture.job("once-" + i, "ledger", null, ScheduleSpec.at(at), 3));
    }

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                count("select count(*) from ledger where job_id like 'once-%'") >= ONE_TIME_JOBS
                    && count("select count(*) from ledger where job_id = 'every-second'")
                        >= RECURRING_OCCURRENCES);
    schedulers.forEach(Scheduler::stop);

    assertThat(
            count(
                "select count(*) from (select job_id, scheduled_for from ledger"
                    + " group by job_id, scheduled_for having count(*) > 1) twice"))
        .as("occurrences that ran more than once")
        .isZero();
    assertThat(count("select count(distinct job_id) from ledger where job_id like 'once-%'"))
        .isEqualTo(ONE_TIME_JOBS);
    assertThat(count("select count(*) from ledger where job_id like 'once-%'"))
        .isEqualTo(ONE_TIME_JOBS);
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job where id like 'once-%' and state = 'COMPLETED'")))
        .isEqualTo(ONE_TIME_JOBS);
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where job_id like 'once-%'"
                        + " and outcome = 'SUCCEEDED' and attempt = 1")))
        .as("one SUCCEEDED history row per one-time job, and no other rows")
        .isEqualTo(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where job_id like 'once-%'")))
        .isEqualTo(ONE_TIME_JOBS);
    // Recurring occurrences sit on the one-second grid: distinct and whole seconds apart.
    assertThat(
            count(
                "select count(*) from ledger l where job_id = 'every-second' and"
                    + " mod((extract(epoch from l.scheduled_for - (select min(scheduled_for)"
                    + " from ledger where job_id = 'every-second')) * 1000)::bigint, 1000) <> 0"))
        .isZero();
    assertThat(count("select count(distinct node) from ledger"))
        .as("work was shared by the cluster")
        .isEqualTo(3);
  }

  private int count(String sql) {
    return fixture.jdbc.queryForObject(sql, Integer.class);
  }
}
