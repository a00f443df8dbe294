package io.kairos.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.kairos.cluster.ClusterSwitch;
import io.kairos.control.JobSubmitter;
import io.kairos.job.JobData;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRun;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.JobType;
import io.kairos.job.MisfirePolicy;
import io.kairos.job.NewJob;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scenario tests of one job's life, on a real PostgreSQL, with the clock stepped by hand. */
class JobTaskTests {

  record Flaky(int failures, boolean permanent) {}

  static final JobType<Flaky> FLAKY = new JobType<>("flaky", Flaky.class, "fails, then works");
  static final Map<String, AtomicInteger> CALLS = new java.util.concurrent.ConcurrentHashMap<>();

  static final JobHandler<Flaky> FLAKY_HANDLER =
      (payload, context) -> {
        int call =
            CALLS.computeIfAbsent(context.jobId(), id -> new AtomicInteger()).incrementAndGet();
        if (call <= payload.failures()) {
          if (payload.permanent()) {
            throw new PermanentJobFailure("refused for good");
          }
          throw new IllegalStateException("failure " + call);
        }
      };

  static KairosFixture fixture;
  SettableClock clock;
  ManualScheduler scheduler;
  JobSubmitter submitter;
  JobTasks support;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(FLAKY, FLAKY_HANDLER, Noop.TYPE, new Noop()), 4);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @BeforeEach
  void scheduler() {
    clock = new SettableClock();
    clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    support =
        fixture.jobTasks(
            clock, new PersistedBackoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(1)));
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(fixture.schedulerDataSource, fixture.tasks(support))
                .clock(clock)
                .serializer(fixture.serializer)
                .enablePriority()
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
    submitter = fixture.submitter(clock);
  }

  @Test
  void anAttemptThatEndedKeepsNoTimeoutScheduled() {
    for (int i = 0; i < 20; i++) {
      submitter.submit(fixture.job("timer-" + i, "noop", null, ScheduleSpec.at(clock.now()), 3));
    }

    scheduler.runAnyDueExecutions();

    assertThat(runs("timer-19")).hasSize(1);
    // Each timeout was cancelled when its attempt ended; a cancelled one kept for its hour would
    // hold memory for every execution of that hour.
    assertThat(support.scheduledTimeouts()).isZero();
  }

  @Test
  void aOneTimeJobRunsOnceAndStaysReadableAsCompleted() {
    submitter.submit(
        fixture.job("once", "noop", null, ScheduleSpec.at(clock.now().plusSeconds(5)), 3));

    scheduler.runAnyDueExecutions();
    assertThat(runs("once")).isEmpty();

    scheduler.tick(Duration.ofSeconds(5));
    scheduler.runAnyDueExecutions();
    scheduler.runAnyDueExecutions();

    List<JobRun> runs = runs("once");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
    assertThat(runs.get(0).attempt()).isEqualTo(1);
    assertThat(runs.get(0).recovered()).isFalse();
    assertThat(runs.get(0).scheduledFor()).isEqualTo(Instant.parse("2026-03-01T10:00:05Z"));
    assertThat(fixture.jobs.find("once").orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(executionsOf("once")).isZero();
  }

  @Test
  void aOneTimeJobFoundLaterThanItsMisfireGraceIsRecordedMissedAndNotRun() {
    CALLS.remove("late");
    submitter.submit(lateJob("late", null));

    scheduler.tick(Duration.ofMinutes(6)); // the cluster was down; the default grace is 5 minutes
    scheduler.runAnyDueExecutions();

    assertThat(CALLS).doesNotContainKey("late");
    List<JobRun> runs = runs("late");
    assertThat(runs).extracting(JobRun::outcome).containsExactly(RunOutcome.MISSED);
    assertThat(runs.get(0).error())
        .contains("beyond its misfire grace of PT5M (the cluster's default)");
    assertThat(fixture.jobs.find("late").orElseThrow().state()).isEqualTo(JobState.MISSED);
    assertThat(executionsOf("late")).isZero();
  }

  @Test
  void aOneTimeJobFourMinutesLateRunsUnderTheDefaultGrace() {
    CALLS.remove("late-4");
    submitter.submit(lateJob("late-4", null));
    assertThat(fixture.jobs.find("late-4").orElseThrow().misfireGrace())
        .as("null is stored: the cluster's default applies when it starts")
        .isNull();

    scheduler.tick(Duration.ofMinutes(4));
    scheduler.runAnyDueExecutions();

    assertThat(CALLS.get("late-4")).hasValue(1);
    assertThat(runs("late-4")).extracting(JobRun::outcome).containsExactly(RunOutcome.SUCCEEDED);
    assertThat(fixture.jobs.find("late-4").orElseThrow().state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void aOneTimeJobWithoutAMisfireLimitRunsADayLate() {
    CALLS.remove("late-none");
    submitter.submit(lateJob("late-none", MisfirePolicy.NONE));
    assertThat(fixture.jobs.find("late-none").orElseThrow().misfireGrace())
        .isEqualTo(MisfirePolicy.NONE);
    assertThat(
            fixture.jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select misfire_grace from kairos_job where id = 'late-none'"),
                String.class))
        .isEqualTo("none");

    scheduler.tick(Duration.ofDays(1));
    scheduler.runAnyDueExecutions();

    assertThat(CALLS.get("late-none")).hasValue(1);
    assertThat(runs("late-none")).extracting(JobRun::outcome).containsExactly(RunOutcome.SUCCEEDED);
  }

  @Test
  void theClusterSettingDecidesForJobsWithoutAGraceOfTheirOwnButNotForTheOthers() {
    ManualScheduler strict = schedulerWithDefaultGrace(Duration.ofMinutes(1));
    CALLS.remove("late-default");
    CALLS.remove("late-own");
    submitter.submit(lateJob("late-default", null));
    submitter.submit(lateJob("late-own", Duration.ofMinutes(10)));

    strict.tick(Duration.ofMinutes(4)); // within the built-in default, beyond this cluster's
    strict.runAnyDueExecutions();
    strict.runAnyDueExecutions();

    assertThat(runs("late-default")).extracting(JobRun::outcome).containsExactly(RunOutcome.MISSED);
    assertThat(runs("late-default").get(0).error())
        .contains("misfire grace of PT1M (the cluster's default)");
    assertThat(CALLS).doesNotContainKey("late-default");
    assertThat(runs("late-own")).extracting(JobRun::outcome).containsExactly(RunOutcome.SUCCEEDED);

    ManualScheduler lenient = schedulerWithDefaultGrace(MisfirePolicy.NONE);
    CALLS.remove("late-lenient");
    submitter.submit(lateJob("late-lenient", null));
    lenient.tick(Duration.ofDays(3));
    lenient.runAnyDueExecutions();
    assertThat(runs("late-lenient"))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.SUCCEEDED);
  }

  @Test
  void aJobClaimedWhileTheClusterIsPausedIsHandedBackUnstartedAndRunsAfterTheResume() {
    ClusterSwitch cluster = new ClusterSwitch(fixture.dataSource, KairosSchema.DEFAULT);
    CALLS.remove("held");
    submitter.submit(lateJob("held", null));
    try {
      cluster.pause("operator");
      // A worker that has not yet seen the pause claims the due execution: it must not start.
      scheduler.runAnyDueExecutions();

      assertThat(CALLS).doesNotContainKey("held");
      assertThat(runs("held")).isEmpty();
      JobData data = fixture.controls.execution("flaky", "held").orElseThrow().data();
      assertThat(data.attempt()).as("no attempt counted").isEqualTo(1);
      assertThat(
              fixture.jdbc.queryForObject(
                  KairosSchema.DEFAULT.sql(
                      "select picked from scheduled_tasks where task_instance = 'held'"),
                  Boolean.class))
          .isFalse();
      assertThat(fixture.jobs.find("held").orElseThrow().state()).isEqualTo(JobState.SCHEDULED);

      // Held for ten minutes, beyond the five-minute grace: the pause does not count as lateness.
      scheduler.tick(Duration.ofMinutes(10));
      scheduler.runAnyDueExecutions();
      assertThat(runs("held")).isEmpty();
    } finally {
      cluster.resume("operator");
    }
    // The pause as the database clock saw it, had the test's clock been the database's.
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql("update kairos_control set paused_at = ?, resumed_at = ?"),
        java.sql.Timestamp.from(Instant.parse("2026-03-01T10:00:00Z")),
        java.sql.Timestamp.from(clock.now()));
    scheduler.runAnyDueExecutions();

    assertThat(CALLS.get("held")).hasValue(1);
    assertThat(runs("held")).extracting(JobRun::outcome).containsExactly(RunOutcome.SUCCEEDED);
  }

  @Test
  void thePausedTimeDoesNotCountButLatenessOutsideItDoes() {
    ClusterSwitch.State state =
        new ClusterSwitch.State(
            false,
            null,
            null,
            Instant.parse("2026-03-01T10:04:00Z"),
            Instant.parse("2026-03-01T10:14:00Z"));
    Instant due = Instant.parse("2026-03-01T10:00:00Z");
    assertThat(state.pausedBetween(due, Instant.parse("2026-03-01T10:16:00Z")))
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(state.pausedBetween(Instant.parse("2026-03-01T10:20:00Z"), due.plusSeconds(3600)))
        .isZero();
    assertThat(state.pausedBetween(Instant.parse("2026-03-01T10:10:00Z"), due.plusSeconds(3600)))
        .isEqualTo(Duration.ofMinutes(4));
  }

  private NewJob lateJob(String id, Duration misfireGrace) {
    return new NewJob(
        id,
        "flaky",
        null,
        fixture.payload("{\"failures\":0,\"permanent\":false}"),
        ScheduleSpec.at(clock.now()),
        3,
        0,
        "hash-" + id,
        "test",
        null,
        misfireGrace);
  }

  /** A worker whose kairos.default-misfire-grace is {@code grace}, on the same clock. */
  private ManualScheduler schedulerWithDefaultGrace(Duration grace) {
    JobTasks support = fixture.jobTasks(clock, PersistedBackoff.DEFAULT, grace);
    return (ManualScheduler)
        TestHelper.createManualScheduler(fixture.schedulerDataSource, fixture.tasks(support))
            .clock(clock)
            .serializer(fixture.serializer)
            .enablePriority()
            .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
            .build();
  }

  @Test
  void aTransientFailureIsRetriedWithBackoffByThePersistedTier() {
    submitter.submit(
        fixture.job(
            "flaky-1",
            "flaky",
            fixture.payload("{\"failures\":2,\"permanent\":false}"),
            ScheduleSpec.at(clock.now()),
            3));

    scheduler.runAnyDueExecutions();
    assertThat(fixture.jobs.find("flaky-1").orElseThrow().nextRunAt())
        .isEqualTo(clock.now().plusSeconds(10));
    scheduler.tick(Duration.ofSeconds(10));
    scheduler.runAnyDueExecutions();
    assertThat(fixture.jobs.find("flaky-1").orElseThrow().nextRunAt())
        .isEqualTo(clock.now().plusSeconds(20));
    scheduler.tick(Duration.ofSeconds(20));
    scheduler.runAnyDueExecutions();

    assertThat(runs("flaky-1"))
        .extracting(JobRun::attempt, JobRun::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, RunOutcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(2, RunOutcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(3, RunOutcome.SUCCEEDED));
    assertThat(runs("flaky-1").get(0).error()).contains("IllegalStateException: failure 1");
    assertThat(fixture.jobs.find("flaky-1").orElseThrow().state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void aJobThatExhaustsItsAttemptsIsDeadWithItsLastError() {
    submitter.submit(
        fixture.job(
            "flaky-2",
            "flaky",
            fixture.payload("{\"failures\":5,\"permanent\":false}"),
            ScheduleSpec.at(clock.now()),
            2));
    scheduler.runAnyDueExecutions();
    scheduler.tick(Duration.ofSeconds(10));
    scheduler.runAnyDueExecutions();

    var job = fixture.jobs.find("flaky-2").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DEAD);
    assertThat(job.lastError()).contains("failure 2");
    assertThat(job.payload().get("failures").asInt()).isEqualTo(5);
    assertThat(runs("flaky-2")).hasSize(2);
  }

  @Test
  void aPermanentFailureSkipsTheRemainingAttempts() {
    submitter.submit(
        fixture.job(
            "flaky-3",
            "flaky",
            fixture.payload("{\"failures\":1,\"permanent\":true}"),
            ScheduleSpec.at(clock.now()),
            5));
    scheduler.runAnyDueExecutions();

    assertThat(fixture.jobs.find("flaky-3").orElseThrow().state()).isEqualTo(JobState.DEAD);
    assertThat(runs("flaky-3")).hasSize(1);
    assertThat(executionsOf("flaky-3")).isZero();
  }

  /**
   * The execution keeps db-scheduler's record of successes and failures as db-scheduler's own
   * reschedule would: a failed attempt counts as a failure, a success resets the count.
   */
  @Test
  void aFailedAttemptCountsAsAFailureAndASuccessResetsTheCount() {
    CALLS.remove("tally");
    submitter.submit(
        fixture.job(
            "tally",
            "flaky",
            fixture.payload("{\"failures\":1,\"permanent\":false}"),
            ScheduleSpec.every(Duration.ofMinutes(10)),
            3));
    scheduler.runAnyDueExecutions(); // attempt 1 fails: retried after 10 s
    Map<String, Object> failed = record("tally");
    assertThat(failed.get("consecutive_failures")).isEqualTo(1);
    assertThat(failed.get("last_failure")).isEqualTo(java.sql.Timestamp.from(clock.now()));
    assertThat(failed.get("last_success")).isNull();

    scheduler.tick(Duration.ofSeconds(10));
    scheduler.runAnyDueExecutions(); // attempt 2 succeeds: on to the next occurrence
    Map<String, Object> succeeded = record("tally");
    assertThat(succeeded.get("consecutive_failures")).isEqualTo(0);
    assertThat(succeeded.get("last_success")).isEqualTo(java.sql.Timestamp.from(clock.now()));
    assertThat(succeeded.get("last_failure")).isEqualTo(failed.get("last_failure"));
  }

  private static Map<String, Object> record(String id) {
    return fixture.jdbc.queryForMap(
        "select last_success, last_failure, consecutive_failures from kairos.scheduled_tasks"
            + " where task_instance = ?",
        id);
  }

  @Test
  void aRecurringJobRunsEachOccurrenceOnItsFixedRateGrid() {
    submitter.submit(
        fixture.job("every-minute", "noop", null, ScheduleSpec.every(Duration.ofMinutes(1)), 3));
    Instant first = clock.now();
    for (int i = 0; i < 3; i++) {
      scheduler.runAnyDueExecutions();
      scheduler.tick(Duration.ofMinutes(1));
    }
    assertThat(runs("every-minute"))
        .extracting(JobRun::scheduledFor)
        .containsExactly(first, first.plusSeconds(60), first.plusSeconds(120));
    assertThat(fixture.jobs.find("every-minute").orElseThrow().state())
        .isEqualTo(JobState.SCHEDULED);
  }

  @Test
  void theExecutionOfADeadWorkerIsRevivedAndItsRerunFlaggedRecovered() {
    submitter.submit(fixture.job("orphan", "noop", null, ScheduleSpec.at(clock.now()), 3));
    // A worker named "ghost" claimed the execution, started the attempt, and then died.
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update scheduled_tasks set picked = true, picked_by = 'ghost', last_heartbeat = ?,"
                + " version = version + 1 where task_instance = 'orphan'"),
        java.sql.Timestamp.from(clock.now()));
    Instant lastHeartbeat = clock.now();

    // Past db-scheduler's default dead-after window (5 min heartbeat × 6).
    scheduler.tick(Duration.ofHours(1));
    scheduler.runDeadExecutionDetection();
    scheduler.runAnyDueExecutions();

    List<JobRun> runs = runs("orphan");
    assertThat(runs)
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.WORKER_DIED, RunOutcome.SUCCEEDED);
    // Nothing was written when the dead attempt started; revival recorded it from the execution.
    assertThat(runs.get(0).node()).isEqualTo("ghost");
    assertThat(runs.get(0).attempt()).isEqualTo(1);
    assertThat(runs.get(0).recovered()).isFalse();
    assertThat(runs.get(0).startedAt()).isEqualTo(lastHeartbeat);
    assertThat(runs.get(0).error()).contains("worker ghost stopped heartbeating");
    assertThat(runs.get(1).recovered()).isTrue();
    assertThat(runs.get(1).attempt()).isEqualTo(2);
    assertThat(runs.get(1).scheduledFor()).isEqualTo(runs.get(0).scheduledFor());
    assertThat(runs.get(1).node()).isEqualTo("manual");
  }

  @Test
  void aCompletionOfAnExecutionThatWasTakenOverWritesNothing() {
    submitter.submit(fixture.job("contested", "noop", null, ScheduleSpec.at(clock.now()), 3));
    AtomicInteger ran = new AtomicInteger();
    // While this attempt runs, another worker revives the execution (bumping its version).
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(
                    fixture.schedulerDataSource,
                    List.of(
                        fixture
                            .jobTasks(clock, PersistedBackoff.DEFAULT)
                            .task(
                                Noop.TYPE,
                                (payload, context) -> {
                                  ran.incrementAndGet();
                                  fixture.jdbc.update(
                                      KairosSchema.DEFAULT.sql(
                                          "update scheduled_tasks set version = version + 1, picked = false"
                                              + " where task_instance = 'contested'"));
                                  // ... and records the attempt it declared dead.
                                  fixture.runs.recordWorkerDied(
                                      "contested",
                                      "noop",
                                      context.scheduledFor(),
                                      context.node(),
                                      context.attempt(),
                                      false,
                                      null);
                                })))
                .clock(clock)
                .serializer(fixture.serializer)
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
    scheduler.runAnyDueExecutions();

    assertThat(ran).hasValue(1);
    assertThat(runs("contested"))
        .extracting(JobRun::outcome, JobRun::error)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                RunOutcome.WORKER_DIED, "worker manual stopped heartbeating; execution revived"));
    assertThat(fixture.jobs.find("contested").orElseThrow().state()).isEqualTo(JobState.SCHEDULED);
  }

  @Test
  void aResultWhoseClaimWasLostIsRecordedAsDroppedWhenNobodyRecordedTheAttempt() {
    submitter.submit(fixture.job("lost", "noop", null, ScheduleSpec.at(clock.now()), 3));
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(
                    fixture.schedulerDataSource,
                    List.of(
                        fixture
                            .jobTasks(clock, PersistedBackoff.DEFAULT)
                            .task(
                                Noop.TYPE,
                                (payload, context) ->
                                    fixture.jdbc.update(
                                        KairosSchema.DEFAULT.sql(
                                            "update scheduled_tasks set version = version + 1"
                                                + " where task_instance = 'lost'")))))
                .clock(clock)
                .serializer(fixture.serializer)
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
    scheduler.runAnyDueExecutions();

    assertThat(runs("lost"))
        .extracting(JobRun::outcome, JobRun::error)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                RunOutcome.WORKER_DIED, "claim lost before completion; result dropped"));
    assertThat(executionsOf("lost")).isOne();
    assertThat(fixture.jobs.find("lost").orElseThrow().state()).isNotEqualTo(JobState.COMPLETED);
  }

  @Test
  void anExecutionTakenOverBeforeItStartsIsNeitherRunNorRecorded() throws Exception {
    CALLS.remove("taken");
    submitter.submit(
        fixture.job(
            "taken",
            "flaky",
            fixture.payload("{\"failures\":0,\"permanent\":false}"),
            ScheduleSpec.at(clock.now()),
            3));
    // Claimed here, then revived by another worker while it waited for a thread.
    java.util.concurrent.CountDownLatch considered = new java.util.concurrent.CountDownLatch(1);
    var scheduler =
        com.github.kagkarlsson.scheduler.Scheduler.create(
                fixture.schedulerDataSource,
                fixture.tasks(fixture.jobTasks(clock, PersistedBackoff.DEFAULT)))
            .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
            .clock(clock)
            .serializer(fixture.serializer)
            .threads(1)
            .pollUsingLockAndFetch(0.5, 1.0)
            .pollingInterval(Duration.ofMillis(100))
            .addSchedulerListener(
                new com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener() {
                  @Override
                  public void onExecutionStart(
                      com.github.kagkarlsson.scheduler.CurrentlyExecuting executing) {
                    fixture.jdbc.update(
                        KairosSchema.DEFAULT.sql(
                            "update scheduled_tasks set version = version + 1,"
                                + " picked_by = 'elsewhere' where task_instance = 'taken'"));
                  }

                  @Override
                  public void onExecutionComplete(
                      com.github.kagkarlsson.scheduler.task.ExecutionComplete complete) {
                    considered.countDown();
                  }
                })
            .build();
    try {
      scheduler.start();
      assertThat(considered.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    } finally {
      scheduler.stop();
    }

    assertThat(CALLS).doesNotContainKey("taken");
    assertThat(runs("taken")).isEmpty();
    assertThat(fixture.jobs.find("taken").orElseThrow().runningOn()).isEqualTo("elsewhere");
  }

  @Test
  void resultsAreWrittenTogetherAndOneWhoseClaimWasLostDropsOutWithoutFailingTheOthers()
      throws Exception {
    for (String id : List.of("group-a", "group-b", "group-c", "group-d")) {
      submitter.submit(fixture.job(id, "noop", null, ScheduleSpec.at(clock.now()), 3));
    }
    JobTasks tasks =
        fixture
            .kairos(clock)
            .jobTasks(JobTasks.Settings.DEFAULTS.withCompletionBatching(4, Duration.ofMinutes(5)));
    long batchesBefore = tasks.completionBatches();
    var scheduler =
        com.github.kagkarlsson.scheduler.Scheduler.create(
                fixture.schedulerDataSource,
                List.of(
                    tasks.task(
                        Noop.TYPE,
                        (payload, context) -> {
                          if (context.jobId().equals("group-c")) {
                            // Revived elsewhere while it ran: its claim is gone.
                            fixture.jdbc.update(
                                KairosSchema.DEFAULT.sql(
                                    "update scheduled_tasks set version = version + 1, picked_by ="
                                        + " 'elsewhere' where task_instance = 'group-c'"));
                          }
                        })))
            .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
            .clock(clock)
            .serializer(fixture.serializer)
            .threads(4)
            .pollUsingLockAndFetch(0.5, 1.0)
            .pollingInterval(Duration.ofMillis(100))
            .build();
    try {
      scheduler.start();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  runs("group-a").size()
                          + runs("group-b").size()
                          + runs("group-c").size()
                          + runs("group-d").size()
                      == 4);
    } finally {
      scheduler.stop();
      tasks.close();
    }

    assertThat(tasks.completionBatches() - batchesBefore)
        .as("one transaction for all four")
        .isOne();
    for (String id : List.of("group-a", "group-b", "group-d")) {
      assertThat(runs(id)).extracting(JobRun::outcome).containsExactly(RunOutcome.SUCCEEDED);
      assertThat(fixture.jobs.find(id).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
      assertThat(executionsOf(id)).isZero();
    }
    assertThat(runs("group-c"))
        .extracting(JobRun::outcome, JobRun::error)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                RunOutcome.WORKER_DIED, "claim lost before completion; result dropped"));
    assertThat(fixture.jobs.find("group-c").orElseThrow().runningOn()).isEqualTo("elsewhere");
  }

  @Test
  void anAttemptOverItsTimeoutIsInterruptedRecordedTimedOutAndRetried() {
    JobData data =
        JobData.first(
            fixture.payload("{\"duration\": \"PT1H\"}"),
            ScheduleSpec.at(clock.now()),
            2,
            Duration.ofMillis(300));
    fixture.transactions.executeWithoutResult(
        tx -> {
          fixture.jobs.create(
              fixture.sealed(
                  fixture.job("slow", "noop", data.payload(), data.schedule(), data.maxAttempts())),
              JobSource.API);
          // Below NewJob's smallest timeout, so written into the task data directly.
          fixture.jdbc.update(
              KairosSchema.DEFAULT.sql(
                  "update scheduled_tasks set task_data = ? where task_instance = 'slow'"),
              fixture.serializer.serialize(data));
        });

    scheduler.runAnyDueExecutions(); // returns once the timeout interrupted the hour-long sleep

    List<JobRun> runs = runs("slow");
    assertThat(runs).extracting(JobRun::outcome).containsExactly(RunOutcome.TIMED_OUT);
    assertThat(runs.get(0).error()).contains("ran longer than PT0.3S");
    var job = fixture.jobs.find("slow").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(job.nextRunAt()).isEqualTo(clock.now().plusSeconds(10));
  }

  @Test
  void aHandlerThatAsksForItsNextRunKeepsItsOneTimeJobScheduledThen() {
    submitter.submit(fixture.job("self-paced", "noop", null, ScheduleSpec.at(clock.now()), 3));
    Instant asked = clock.now().plus(Duration.ofMinutes(55));
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(
                    fixture.schedulerDataSource,
                    List.of(
                        fixture
                            .jobTasks(clock, PersistedBackoff.DEFAULT)
                            .task(Noop.TYPE, (payload, context) -> context.requestNextRun(asked))))
                .clock(clock)
                .serializer(fixture.serializer)
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();

    scheduler.runAnyDueExecutions();
    scheduler.tick(Duration.ofMinutes(55));
    scheduler.runAnyDueExecutions();

    assertThat(runs("self-paced"))
        .extracting(JobRun::scheduledFor, JobRun::attempt, JobRun::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Instant.parse("2026-03-01T10:00:00Z"), 1, RunOutcome.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple(asked, 1, RunOutcome.SUCCEEDED));
    var job = fixture.jobs.find("self-paced").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(job.nextRunAt()).isEqualTo(asked);
  }

  private List<JobRun> runs(String jobId) {
    return fixture.runs.runsOf(jobId, 0, 100);
  }

  private int executionsOf(String jobId) {
    return fixture.jdbc.queryForObject(
        KairosSchema.DEFAULT.sql("select count(*) from scheduled_tasks where task_instance = ?"),
        Integer.class,
        jobId);
  }
}
