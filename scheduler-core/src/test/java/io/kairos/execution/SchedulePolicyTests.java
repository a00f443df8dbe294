package io.kairos.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.kairos.control.Backfills;
import io.kairos.control.JobControl;
import io.kairos.control.JobSubmitter;
import io.kairos.job.InvalidJobException;
import io.kairos.job.InvalidScheduleException;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.JobType;
import io.kairos.job.RunOutcome;
import io.kairos.job.SchedulePolicy;
import io.kairos.job.SchedulePolicy.CatchUp;
import io.kairos.job.SchedulePolicy.Overlap;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a recurring schedule does when a run overlaps its next occurrence, when occurrences were
 * missed, how its jitter spreads occurrences, and backfills: on a real PostgreSQL, the clock
 * stepped by hand (a handler "runs for" some minutes by moving the clock on).
 */
class SchedulePolicyTests {

  /** Runs for {@code minutes} on its job's first call; {@code untilCancelled}: then waits. */
  record Work(int minutes, boolean untilCancelled) {}

  static final JobType<Work> WORK = new JobType<>("work", Work.class, "takes a while");
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final Set<String> STARTED = ConcurrentHashMap.newKeySet();

  static KairosFixture fixture;
  static SettableClock clock;

  static final JobHandler<Work> HANDLER =
      (payload, context) -> {
        if (STARTED.add(context.jobId())) {
          clock.set(clock.now().plus(Duration.ofMinutes(payload.minutes())));
          if (payload.untilCancelled()) {
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!context.cancelRequested() && System.nanoTime() < until) {
              Thread.sleep(20);
            }
            context.throwIfCancelled();
          }
        }
      };

  ManualScheduler scheduler;
  JobSubmitter submitter;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(WORK, HANDLER), 4);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @BeforeEach
  void scheduler() {
    clock = new SettableClock();
    clock.set(T0);
    JobTasks tasks =
        fixture
            .kairos(clock)
            .jobTasks(
                JobTasks.Settings.DEFAULTS.withCancels(
                    new JobTasks.Cancels(Duration.ofSeconds(5), Duration.ofMillis(50))));
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(fixture.schedulerDataSource, fixture.tasks(tasks))
                .clock(clock)
                .serializer(fixture.serializer)
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
    submitter = fixture.submitter(clock);
  }

  @Test
  void anOverlappedOccurrenceIsSkippedByDefault() {
    create("skip", ScheduleSpec.every(Duration.ofMinutes(10)), 25, false);
    scheduler.runAnyDueExecutions();
    assertThat(runs("skip")).extracting(JobRun::outcome).containsExactly(RunOutcome.SUCCEEDED);
    // 10:10 and 10:20 fell due while it ran until 10:25: skipped.
    assertThat(nextRunAt("skip")).isEqualTo(T0.plus(Duration.ofMinutes(30)));
  }

  @Test
  void bufferOneRunsTheLatestOverlappedOccurrenceRightAfter() {
    create(
        "buffer",
        ScheduleSpec.every(Duration.ofMinutes(10))
            .withPolicy(new SchedulePolicy(Overlap.BUFFER_ONE, null, null, null)),
        25,
        false);
    scheduler.runAnyDueExecutions();
    assertThat(nextRunAt("buffer")).isEqualTo(T0.plus(Duration.ofMinutes(20)));
    scheduler.runAnyDueExecutions();
    assertThat(runs("buffer"))
        .extracting(JobRun::scheduledFor, JobRun::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(T0, RunOutcome.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple(
                T0.plus(Duration.ofMinutes(20)), RunOutcome.SUCCEEDED));
    assertThat(nextRunAt("buffer")).isEqualTo(T0.plus(Duration.ofMinutes(30)));
  }

  @Test
  void cancelRunningStopsTheRunningAttemptWhenTheNextOccurrenceFallsDue() {
    create(
        "preempt",
        ScheduleSpec.every(Duration.ofMinutes(10))
            .withPolicy(new SchedulePolicy(Overlap.CANCEL_RUNNING, null, null, null)),
        15,
        true);
    scheduler.runAnyDueExecutions(); // the worker's signal watch cancels it: 10:10 is due
    assertThat(nextRunAt("preempt")).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    scheduler.runAnyDueExecutions();
    List<JobRun> runs = runs("preempt");
    assertThat(runs)
        .extracting(JobRun::scheduledFor, JobRun::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(T0, RunOutcome.CANCELLED),
            org.assertj.core.groups.Tuple.tuple(
                T0.plus(Duration.ofMinutes(10)), RunOutcome.SUCCEEDED));
    assertThat(runs.get(0).error()).contains("overlapped by its next occurrence");
    assertThat(fixture.jobs.find("preempt").orElseThrow().consecutiveFailures()).isZero();
  }

  @Test
  void catchUpAllRunsEachMissedOccurrenceWithinTheWindowOnce() {
    create(
        "all",
        ScheduleSpec.every(Duration.ofHours(1))
            .withPolicy(new SchedulePolicy(null, CatchUp.ALL, Duration.ofHours(3), null)),
        0,
        false);
    scheduler.runAnyDueExecutions(); // 10:00
    clock.set(T0.plus(Duration.ofMinutes(5 * 60 + 1))); // the cluster was down until 15:01
    for (int i = 0; i < 6; i++) {
      scheduler.runAnyDueExecutions();
    }
    // 11:00 (the pending one, late), then 13:00, 14:00 and 15:00: within three hours of 15:01.
    assertThat(runs("all"))
        .extracting(JobRun::scheduledFor)
        .containsExactly(T0, hours(1), hours(3), hours(4), hours(5));
    assertThat(nextRunAt("all")).isEqualTo(hours(6));
  }

  @Test
  void catchUpLatestRunsOnceForAllMissedOccurrences() {
    create("latest", ScheduleSpec.every(Duration.ofHours(1)), 0, false);
    scheduler.runAnyDueExecutions();
    clock.set(T0.plus(Duration.ofMinutes(5 * 60 + 1)));
    scheduler.runAnyDueExecutions();
    scheduler.runAnyDueExecutions();
    assertThat(runs("latest")).extracting(JobRun::scheduledFor).containsExactly(T0, hours(1));
    assertThat(nextRunAt("latest")).isEqualTo(hours(6));
  }

  @Test
  void catchUpNoneDoesNotRunAnOccurrenceLaterThanItsGrace() {
    create(
        "none",
        ScheduleSpec.every(Duration.ofHours(1))
            .withPolicy(new SchedulePolicy(null, CatchUp.NONE, null, null)),
        0,
        false);
    scheduler.runAnyDueExecutions();
    STARTED.remove("none");
    clock.set(T0.plus(Duration.ofMinutes(5 * 60 + 1)));
    scheduler.runAnyDueExecutions();
    assertThat(runs("none"))
        .extracting(JobRun::scheduledFor, JobRun::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(T0, RunOutcome.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple(hours(1), RunOutcome.MISSED));
    assertThat(STARTED).doesNotContain("none"); // the handler did not run
    var job = fixture.jobs.find("none").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(job.consecutiveFailures()).isZero();
    assertThat(job.nextRunAt()).isEqualTo(hours(6));
  }

  @Test
  void jitterDelaysEachOccurrenceByAnAmountFixedForTheJobAndOccurrence() {
    SchedulePolicy policy = new SchedulePolicy(null, null, null, Duration.ofMinutes(10));
    ScheduleSpec hourly = ScheduleSpec.cron("0 * * * *", ZoneOffset.UTC).withPolicy(policy);
    clock.set(T0.minusSeconds(1));
    create("jitter-a", hourly, 0, false);
    create("jitter-b", hourly, 0, false);
    clock.set(T0);
    scheduler.runAnyDueExecutions();
    Instant a = nextRunAt("jitter-a");
    Instant b = nextRunAt("jitter-b");
    assertThat(a).isEqualTo(hours(1).plus(policy.jitterOf("jitter-a", hours(1))));
    assertThat(b).isEqualTo(hours(1).plus(policy.jitterOf("jitter-b", hours(1))));
    assertThat(a).isBetween(hours(1), hours(1).plus(Duration.ofMinutes(10)));
    // The next occurrence after a jittered run is the schedule's next, jittered by its own amount.
    clock.set(a);
    scheduler.runAnyDueExecutions();
    assertThat(nextRunAt("jitter-a"))
        .isEqualTo(hours(2).plus(policy.jitterOf("jitter-a", hours(2))));
    assertThat(
            java.util.stream.IntStream.range(0, 50)
                .mapToObj(h -> policy.jitterOf("jitter-a", hours(h)))
                .distinct()
                .count())
        .isGreaterThan(40);
  }

  @Test
  void aPolicyThatCannotWorkIsRefusedNamingItsField() {
    assertThatThrownBy(
            () ->
                ScheduleSpec.every(Duration.ofMinutes(5))
                    .withPolicy(new SchedulePolicy(null, null, null, Duration.ofMinutes(1))))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessageContaining("schedule.jitter");
    assertThatThrownBy(
            () ->
                ScheduleSpec.cron("*/5 * * * *", ZoneOffset.UTC)
                    .withPolicy(new SchedulePolicy(null, null, null, Duration.ofMinutes(5))))
        .hasMessageContaining("schedule.jitter");
    assertThatThrownBy(() -> new SchedulePolicy(null, CatchUp.ALL, null, null))
        .hasMessageContaining("schedule.catchUpWindow");
    assertThatThrownBy(() -> new SchedulePolicy(null, CatchUp.LATEST, Duration.ofHours(1), null))
        .hasMessageContaining("schedule.catchUpWindow");
    assertThatThrownBy(
            () ->
                ScheduleSpec.every(Duration.ofSeconds(1))
                    .withPolicy(new SchedulePolicy(null, CatchUp.ALL, Duration.ofDays(1), null)))
        .hasMessageContaining("schedule.catchUpWindow");
    assertThatThrownBy(
            () ->
                ScheduleSpec.at(T0)
                    .withPolicy(new SchedulePolicy(Overlap.BUFFER_ONE, null, null, null)))
        .isInstanceOf(InvalidScheduleException.class);
  }

  @Test
  void aBackfillAskedTwiceRunsEachOccurrenceOnce() {
    clock.set(hours(24));
    create("daily-report", ScheduleSpec.every(Duration.ofHours(6)), 0, false);
    Backfills backfills = fixture.kairos(clock).backfills();
    JobControl.Caller caller = JobControl.Caller.client("test");

    Backfills.Backfill first = backfills.backfill("daily-report", T0, hours(12), caller);
    Backfills.Backfill again = backfills.backfill("daily-report", T0, hours(18), caller);

    // An 'every' schedule's backfill grid starts at 'from': 10:00 and 16:00, then 22:00 too.
    assertThat(first.created())
        .containsExactly(
            Backfills.idOf("daily-report", T0), Backfills.idOf("daily-report", hours(6)));
    assertThat(again.existing()).containsExactlyElementsOf(first.created());
    assertThat(again.created()).containsExactly(Backfills.idOf("daily-report", hours(12)));
    for (int i = 0; i < 3; i++) {
      scheduler.runAnyDueExecutions();
    }
    for (Instant occurrence : List.of(T0, hours(6), hours(12))) {
      String id = Backfills.idOf("daily-report", occurrence);
      assertThat(runs(id))
          .extracting(JobRun::scheduledFor, JobRun::outcome)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(occurrence, RunOutcome.SUCCEEDED));
      assertThat(fixture.jobs.find(id).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    }
    assertThatThrownBy(() -> backfills.backfill("daily-report", hours(20), hours(30), caller))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("future");
    assertThatThrownBy(
            () -> backfills.backfill("daily-report", T0.minus(Duration.ofDays(400)), T0, caller))
        .hasMessageContaining("more than 1000");
  }

  private void create(String id, ScheduleSpec schedule, int minutes, boolean untilCancelled) {
    STARTED.remove(id);
    submitter.submit(
        fixture.job(
            id, "work", fixture.json.valueToTree(new Work(minutes, untilCancelled)), schedule, 1));
  }

  private static Instant hours(long h) {
    return T0.plus(Duration.ofHours(h));
  }

  private Instant nextRunAt(String id) {
    return fixture.jobs.find(id).orElseThrow().nextRunAt();
  }

  private List<JobRun> runs(String id) {
    return fixture.runs.runsOf(id, 0, 100);
  }
}
