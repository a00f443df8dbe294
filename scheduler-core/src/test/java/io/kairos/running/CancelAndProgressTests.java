package io.kairos.running;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.control.JobSubmitter;
import io.kairos.execution.JobTasks;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.Job;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.JobType;
import io.kairos.job.NewJob;
import io.kairos.job.Progress;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.registry.TransactionJoiningDataSource;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two workers (each its own scheduler and connection pool) share a real PostgreSQL; cancels are
 * asked for as the API asks, through the database, so they reach the attempt on whichever worker
 * runs it, and progress is read back as the API reads it.
 */
class CancelAndProgressTests {

  record Work() {}

  /** Reports progress and checks its cancel flag between units of work, as handlers should. */
  static final JobType<Work> POLITE = new JobType<>("polite", Work.class, "stops when asked");

  /** Never looks at the flag: stopped by the interrupt after the grace. */
  static final JobType<Work> STUBBORN = new JobType<>("stubborn", Work.class, "sleeps for an hour");

  static final Duration GRACE = Duration.ofMillis(500);

  final List<Scheduler> schedulers = new ArrayList<>();
  final List<HikariDataSource> pools = new ArrayList<>();
  final List<JobTasks> workers = new ArrayList<>();
  final List<String> sawFlag = new java.util.concurrent.CopyOnWriteArrayList<>();
  KairosFixture fixture;
  AttemptSignalStore signals;
  JobSubmitter submitter;

  @BeforeEach
  void twoWorkers() {
    JobHandler<Work> polite =
        (payload, context) -> {
          for (long step = 0; step < 36_000; step++) {
            context.progress(step, 36_000L, "step " + step);
            if (context.cancelRequested()) {
              sawFlag.add(context.jobId());
            }
            context.throwIfCancelled();
            Thread.sleep(100);
          }
        };
    JobHandler<Work> stubborn = (payload, context) -> Thread.sleep(Duration.ofHours(1).toMillis());
    fixture = new KairosFixture(Map.of(POLITE, polite, STUBBORN, stubborn), 4);
    SystemClock clock = new SystemClock();
    for (int node = 1; node <= 2; node++) {
      HikariDataSource pool = fixture.database.dataSource(6);
      pools.add(pool);
      JobTasks tasks =
          fixture
              .kairos(pool, clock)
              .jobTasks(
                  JobTasks.Settings.DEFAULTS
                      .withBackoff(PersistedBackoff.DEFAULT)
                      .withCancels(new JobTasks.Cancels(GRACE, Duration.ofMillis(200))));
      workers.add(tasks);
      Scheduler scheduler =
          Scheduler.create(new TransactionJoiningDataSource(pool), fixture.tasks(tasks))
              .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
              .schedulerName(new SchedulerName.Fixed("node-" + node))
              .serializer(fixture.serializer)
              .threads(2)
              .pollingInterval(Duration.ofMillis(200))
              .heartbeatInterval(Duration.ofSeconds(1))
              .build();
      scheduler.start();
      schedulers.add(scheduler);
    }
    signals = fixture.kairos(clock).attemptSignals();
    submitter = fixture.submitter(clock);
  }

  @AfterEach
  void stop() {
    schedulers.forEach(Scheduler::stop);
    workers.forEach(JobTasks::close);
    pools.forEach(HikariDataSource::close);
    fixture.close();
  }

  @Test
  void aCancelReachesTheAttemptOnTheWorkerRunningItAndEndsItCancelledWithoutRetry() {
    submitter.submit(fixture.job("report", "polite", null, ScheduleSpec.at(Instant.now()), 3));
    Job running = awaitRunning("report");

    // Progress travels from the worker to whoever reads the job, while it runs.
    Progress progress =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> signals.current("report").map(AttemptSignalStore.Signals::progress),
                Optional::isPresent)
            .orElseThrow();
    assertThat(progress.total()).isEqualTo(36_000L);
    assertThat(progress.message()).startsWith("step ");

    Instant asked = signals.requestCancel("report", "operator-1").orElseThrow();
    assertThat(signals.requestCancel("report", "operator-2")).contains(asked);
    assertThat(signals.current("report").orElseThrow().cancelRequestedBy()).isEqualTo("operator-1");

    awaitState("report", JobState.CANCELLED);
    List<JobRun> runs = fixture.runs.runsOf("report", 0, 10);
    assertThat(runs).extracting(JobRun::outcome).containsExactly(RunOutcome.CANCELLED);
    assertThat(runs.get(0).node()).isEqualTo(running.runningOn());
    assertThat(runs.get(0).error()).contains("cancelled by an operator");
    assertThat(sawFlag).contains("report");
    assertThat(executions("report")).isZero();
    // The worker removed what the attempt and the operator exchanged.
    await().atMost(Duration.ofSeconds(5)).until(() -> signalRows("report") == 0);
    assertThat(signals.requestCancel("report", "late")).isEmpty();
  }

  @Test
  void aHandlerIgnoringTheFlagIsInterruptedAfterTheGrace() {
    submitter.submit(fixture.job("sleepy", "stubborn", null, ScheduleSpec.at(Instant.now()), 3));
    awaitRunning("sleepy");

    assertThat(signals.requestCancel("sleepy", "operator")).isPresent();

    awaitState("sleepy", JobState.CANCELLED);
    assertThat(fixture.runs.runsOf("sleepy", 0, 10))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.CANCELLED);
  }

  @Test
  void aCancelledRecurringOccurrenceMovesOnToTheNextWithoutCountingAFailure() {
    submitter.submit(
        fixture.job("hourly", "polite", null, ScheduleSpec.every(Duration.ofHours(1)), 3));
    awaitRunning("hourly");

    signals.requestCancel("hourly", "operator");

    awaitState("hourly", JobState.SCHEDULED);
    Job job = fixture.jobs.find("hourly").orElseThrow();
    assertThat(job.consecutiveFailures()).isZero();
    assertThat(job.nextRunAt()).isAfter(Instant.now().plus(Duration.ofMinutes(55)));
    assertThat(fixture.runs.runsOf("hourly", 0, 10))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.CANCELLED);
  }

  @Test
  void aTimeoutAsksTheHandlerToStopTheSameWayAndIsRetried() {
    submitter.submit(
        new NewJob(
            "bounded",
            "polite",
            null,
            fixture.json.createObjectNode(),
            ScheduleSpec.at(Instant.now()),
            2,
            0,
            UUID.randomUUID().toString(),
            "test",
            Duration.ofSeconds(1),
            null,
            List.of()));

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> !fixture.runs.runsOf("bounded", 0, 10).isEmpty());
    JobRun run = fixture.runs.runsOf("bounded", 0, 10).get(0);
    assertThat(run.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
    assertThat(sawFlag).contains("bounded");
    assertThat(fixture.jobs.find("bounded").orElseThrow().state())
        .isIn(JobState.SCHEDULED, JobState.RUNNING);
  }

  @Test
  void aJobNotRunningCannotBeCancelled() {
    submitter.submit(
        fixture.job("later", "polite", null, ScheduleSpec.at(Instant.now().plusSeconds(3600)), 3));
    assertThat(signals.requestCancel("later", "operator")).isEmpty();
    assertThat(signals.requestCancel("no-such-job", "operator")).isEmpty();
    assertThat(signalRows("later")).isZero();
  }

  private Job awaitRunning(String id) {
    return await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> fixture.jobs.find(id).orElseThrow(),
            job -> job.state() == JobState.RUNNING && job.runningOn() != null);
  }

  private void awaitState(String id, JobState state) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> fixture.jobs.find(id).orElseThrow().state() == state);
  }

  private int executions(String id) {
    return fixture.jdbc.queryForObject(
        KairosSchema.DEFAULT.sql("select count(*) from scheduled_tasks where task_instance = ?"),
        Integer.class,
        id);
  }

  private int signalRows(String id) {
    return fixture.jdbc.queryForObject(
        KairosSchema.DEFAULT.sql("select count(*) from kairos_attempt_signal where job_id = ?"),
        Integer.class,
        id);
  }
}
