package io.kairos.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.clock.DatabaseClock;
import io.kairos.control.JobSubmitter;
import io.kairos.execution.JobTasks;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.ScheduleSpec;
import io.kairos.registry.TransactionJoiningDataSource;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three workers whose JVM clocks are +10 min, −10 min and right. On the database clock they agree:
 * nothing runs early, no live execution is revived. The second test shows that the same cluster on
 * its JVM clocks does go wrong, so the first one could fail.
 */
class ClockSkewTests {

  record Work(long millis) {}

  static final JobType<Work> WORK = new JobType<>("work", Work.class, "takes a while");
  static final Duration HEARTBEAT = Duration.ofMillis(500);
  static final int MISSED_HEARTBEATS = 6; // dead after 3 s; jobs take 4 s
  static final int JOBS = 12;

  final List<Scheduler> schedulers = new ArrayList<>();
  final List<AutoCloseable> closeables = new ArrayList<>();
  KairosFixture fixture;

  @AfterEach
  void tearDown() throws Exception {
    schedulers.forEach(Scheduler::stop);
    for (AutoCloseable c : closeables) {
      c.close();
    }
    fixture.close();
  }

  @Test
  void workersWithSkewedJvmClocksNeitherRunEarlyNorReviveLiveExecutions() {
    runCluster(true);

    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where outcome = 'WORKER_DIED'")))
        .as("live executions revived")
        .isZero();
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where outcome = 'MISSED'")))
        .as("jobs wrongly found too late")
        .isZero();
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where started_at < scheduled_for")))
        .as("attempts started before their time")
        .isZero();
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where outcome = 'SUCCEEDED'")))
        .isEqualTo(JOBS);
    assertThat(count(KairosSchema.DEFAULT.sql("select count(*) from kairos_job_run")))
        .isEqualTo(JOBS);
  }

  @Test
  void theSameWorkersOnTheirJvmClocksDisturbTheCluster() {
    runCluster(false);

    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where outcome in ('WORKER_DIED', 'MISSED')"
                        + " or started_at < scheduled_for")))
        .as("revived live executions, early starts or jobs wrongly found too late")
        .isPositive();
  }

  private void runCluster(boolean databaseClock) {
    JobHandler<Work> handler = (payload, context) -> Thread.sleep(payload.millis());
    fixture = new KairosFixture(Map.of(WORK, handler), 4);
    DatabaseClock truth =
        new DatabaseClock(fixture.dataSource, Clock.systemUTC(), Duration.ofSeconds(5));
    closeables.add(truth);
    // Due 8 s ahead by the database's clock: the fast worker would be 10 minutes early.
    JobSubmitter submitter = fixture.submitter(truth);
    for (int i = 0; i < JOBS; i++) {
      submitter.submit(
          fixture.job(
              "skew-" + i,
              "work",
              fixture.payload("{\"millis\": 4000}"),
              ScheduleSpec.at(truth.now().plusSeconds(8)),
              1));
    }
    int node = 0;
    for (Duration skew : List.of(Duration.ofMinutes(10), Duration.ofMinutes(-10), Duration.ZERO)) {
      Clock jvm = Clock.offset(Clock.systemUTC(), skew);
      HikariDataSource pool = fixture.database.dataSource(6);
      closeables.add(pool);
      com.github.kagkarlsson.scheduler.Clock clock;
      if (databaseClock) {
        DatabaseClock dbClock = new DatabaseClock(pool, jvm, Duration.ofSeconds(5));
        closeables.add(dbClock);
        clock = dbClock;
      } else {
        clock = jvm::instant;
      }
      JobTasks support = fixture.jobTasks(pool, clock, PersistedBackoff.DEFAULT);
      Scheduler scheduler =
          Scheduler.create(new TransactionJoiningDataSource(pool), fixture.tasks(support))
              .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
              .schedulerName(new SchedulerName.Fixed("skew-node-" + ++node))
              .serializer(fixture.serializer)
              .clock(clock)
              .threads(4)
              .pollUsingLockAndFetch(0.5, 1.0)
              .pollingInterval(Duration.ofMillis(200))
              .heartbeatInterval(HEARTBEAT)
              .missedHeartbeatsLimit(MISSED_HEARTBEATS)
              .build();
      scheduler.start();
      schedulers.add(scheduler);
    }
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                count(
                        KairosSchema.DEFAULT.sql(
                            "select count(*) from kairos_job where state in ('COMPLETED', 'DEAD',"
                                + " 'MISSED')"))
                    == JOBS);
  }

  private int count(String sql) {
    return fixture.jdbc.queryForObject(sql, Integer.class);
  }
}
