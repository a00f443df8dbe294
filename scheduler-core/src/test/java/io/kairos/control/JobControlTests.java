package io.kairos.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.kairos.execution.JobTasks;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.Job;
import io.kairos.job.JobConflict;
import io.kairos.job.JobData;
import io.kairos.job.JobFilter;
import io.kairos.job.JobRun;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.JobStateConflict;
import io.kairos.job.NewJob;
import io.kairos.job.OperatorJobException;
import io.kairos.job.ScheduleSpec;
import io.kairos.job.UnknownJobException;
import io.kairos.registry.JobStore;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pause, resume, cancel, run-now and reschedule on a real PostgreSQL, with a manual db-scheduler as
 * the worker. A RUNNING job is simulated by claiming its execution the way a worker's
 * lock-and-fetch does (picked, picked_by, version + 1).
 */
class JobControlTests {

  static KairosFixture fixture;
  SettableClock clock;
  ManualScheduler scheduler;
  JobSubmitter submitter;
  JobControl control;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(Noop.TYPE, new Noop()), 4);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @BeforeEach
  void scheduler() {
    fixture.jdbc.update(KairosSchema.DEFAULT.sql("delete from scheduled_tasks"));
    fixture.jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_job"));
    fixture.jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_job_run"));
    clock = new SettableClock();
    clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    JobTasks support = fixture.jobTasks(clock, PersistedBackoff.DEFAULT);
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(fixture.schedulerDataSource, fixture.tasks(support))
                .clock(clock)
                .serializer(fixture.serializer)
                .enablePriority()
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
    submitter = fixture.submitter(clock);
    control = fixture.kairos(clock).control();
  }

  @Test
  void aPausedJobDoesNotRunAndAResumedOneTimeJobRunsAtOnceWhenItsTimeHasPassed() {
    submit("once", ScheduleSpec.at(clock.now().plusSeconds(60)));

    Job paused = control.pause("once", "alice");
    assertThat(paused.state()).isEqualTo(JobState.PAUSED);
    assertThat(paused.nextRunAt()).isEqualTo(Instant.parse("2026-03-01T10:01:00Z"));
    assertThat(paused.updatedBy()).isEqualTo("alice");
    assertThat(executions("once")).isZero();

    scheduler.tick(Duration.ofMinutes(5));
    scheduler.runAnyDueExecutions();
    assertThat(runs("once")).isEmpty();

    Job resumed = control.resume("once", "bob");
    assertThat(resumed.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(resumed.nextRunAt()).isEqualTo(clock.now());
    scheduler.runAnyDueExecutions();
    assertThat(runs("once")).hasSize(1);
    assertThat(fixture.jobs.find("once").orElseThrow().state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void aResumedRecurringJobContinuesFromItsNextOccurrenceWithoutMakingUpMissedOnes() {
    submit("hourly", ScheduleSpec.cron("0 0 * * * *", ZoneId.of("UTC")));
    assertThat(fixture.jobs.find("hourly").orElseThrow().nextRunAt())
        .isEqualTo(Instant.parse("2026-03-01T11:00:00Z"));

    control.pause("hourly", "alice");
    scheduler.tick(Duration.ofHours(3).plusMinutes(10)); // 13:10: 11, 12 and 13 o'clock missed
    scheduler.runAnyDueExecutions();
    assertThat(runs("hourly")).isEmpty();

    Job resumed = control.resume("hourly", "alice");
    assertThat(resumed.nextRunAt()).isEqualTo(Instant.parse("2026-03-01T14:00:00Z"));
    scheduler.runAnyDueExecutions();
    assertThat(runs("hourly")).isEmpty();
  }

  @Test
  void aRecurringJobPausedBrieflyKeepsItsPlace() {
    submit("every", ScheduleSpec.every(Duration.ofMinutes(10)));
    scheduler.runAnyDueExecutions(); // first run at 10:00, next at 10:10
    control.pause("every", "alice");
    scheduler.tick(Duration.ofMinutes(5));
    assertThat(control.resume("every", "alice").nextRunAt())
        .isEqualTo(Instant.parse("2026-03-01T10:10:00Z"));
  }

  @Test
  void pausingOrResumingTwiceIsTheSameAsOnce() {
    submit("twice", ScheduleSpec.at(clock.now().plusSeconds(60)));
    control.pause("twice", "alice");
    assertThat(control.pause("twice", "alice").state()).isEqualTo(JobState.PAUSED);
    control.resume("twice", "alice");
    assertThat(control.resume("twice", "alice").state()).isEqualTo(JobState.SCHEDULED);
    assertThat(executions("twice")).isOne();
  }

  @Test
  void aRunningJobIsNeitherPausedNorCancelledNorChangedAndItsExecutionIsLeftAsTheWorkerHasIt() {
    submit("busy", ScheduleSpec.at(clock.now()));
    claim("busy", "worker-7");
    long version = version("busy");

    assertThatThrownBy(() -> control.pause("busy", "alice"))
        .isInstanceOfSatisfying(
            JobStateConflict.class, e -> assertThat(e.runningOn()).isEqualTo("worker-7"))
        .hasMessageContaining("running on worker-7");
    assertThatThrownBy(() -> control.cancel("busy", "alice")).isInstanceOf(JobStateConflict.class);
    assertThatThrownBy(() -> control.runNow("busy", "alice")).isInstanceOf(JobStateConflict.class);
    assertThatThrownBy(() -> control.change("busy", new JobControl.Change(null, 5, null), "alice"))
        .isInstanceOf(JobStateConflict.class);

    assertThat(version("busy")).isEqualTo(version);
    Job job = fixture.jobs.find("busy").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.RUNNING);
    assertThat(job.priority()).isZero();
    assertThat(job.updatedBy()).isEqualTo("test");
  }

  @Test
  void aCancelledJobIsGoneFromTheTaskTableAndStaysReadable() {
    submit("doomed", ScheduleSpec.cron("0 0 9 * * *", ZoneId.of("Europe/Oslo")));
    Job cancelled = control.cancel("doomed", "alice");
    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(cancelled.nextRunAt()).isNull();
    assertThat(cancelled.finishedAt()).isNotNull();
    assertThat(executions("doomed")).isZero();
    assertThat(control.cancel("doomed", "alice").state()).isEqualTo(JobState.CANCELLED);
    assertThatThrownBy(() -> control.resume("doomed", "alice"))
        .isInstanceOf(JobStateConflict.class);
  }

  @Test
  void aPausedJobCanBeCancelled() {
    submit("paused-then-cancelled", ScheduleSpec.at(clock.now().plusSeconds(60)));
    control.pause("paused-then-cancelled", "alice");
    assertThat(control.cancel("paused-then-cancelled", "alice").state())
        .isEqualTo(JobState.CANCELLED);
    scheduler.tick(Duration.ofMinutes(5));
    scheduler.runAnyDueExecutions();
    assertThat(runs("paused-then-cancelled")).isEmpty();
  }

  @Test
  void cancellingAGroupCancelsItsPendingAndPausedJobsAndListsTheRunningOnes() {
    submit("g-1", "exchange-1", ScheduleSpec.at(clock.now().plusSeconds(60)));
    submit("g-2", "exchange-1", ScheduleSpec.every(Duration.ofMinutes(5)));
    submit("g-3", "exchange-1", ScheduleSpec.at(clock.now()));
    submit("g-4", "exchange-1", ScheduleSpec.at(clock.now().plusSeconds(60)));
    submit("other", "exchange-2", ScheduleSpec.at(clock.now().plusSeconds(60)));
    control.pause("g-4", "alice");
    claim("g-3", "worker-1");

    JobControl.GroupCancellation result = control.cancelGroup("exchange-1", "alice");

    assertThat(result.cancelled()).containsExactlyInAnyOrder("g-1", "g-2", "g-4");
    assertThat(result.running()).containsExactly(new ControlStore.RunningJob("g-3", "worker-1"));
    assertThat(fixture.jobs.find("g-2").orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(fixture.jobs.find("g-3").orElseThrow().state()).isEqualTo(JobState.RUNNING);
    assertThat(fixture.jobs.find("other").orElseThrow().state()).isEqualTo(JobState.SCHEDULED);
    assertThat(executions("g-1") + executions("g-2") + executions("g-4")).isZero();
  }

  @Test
  void runNowMakesAFutureJobDueAndARecurringJobKeepsItsSchedule() {
    submit("daily", ScheduleSpec.cron("0 0 9 * * *", ZoneId.of("UTC")));
    assertThat(control.runNow("daily", "alice").nextRunAt()).isEqualTo(clock.now());
    scheduler.runAnyDueExecutions();
    assertThat(runs("daily")).hasSize(1);
    Job after = fixture.jobs.find("daily").orElseThrow();
    assertThat(after.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(after.nextRunAt()).isEqualTo(Instant.parse("2026-03-02T09:00:00Z"));
  }

  @Test
  void runNowRefusesAPausedJob() {
    submit("paused", ScheduleSpec.at(clock.now().plusSeconds(60)));
    control.pause("paused", "alice");
    assertThatThrownBy(() -> control.runNow("paused", "alice"))
        .isInstanceOf(JobStateConflict.class)
        .hasMessageContaining("paused");
  }

  @Test
  void changingTheScheduleMovesTheExecutionAndKeepsTheDefinitionInStep() {
    submit("moved", ScheduleSpec.at(clock.now().plusSeconds(60)));
    Instant later = Instant.parse("2026-03-05T08:00:00Z");
    Job changed =
        control.change("moved", new JobControl.Change(ScheduleSpec.at(later), 7, 9), "carol");
    assertThat(changed.nextRunAt()).isEqualTo(later);
    assertThat(changed.schedule()).isEqualTo(ScheduleSpec.at(later));
    assertThat(changed.priority()).isEqualTo(7);
    assertThat(changed.maxAttempts()).isEqualTo(9);
    assertThat(changed.updatedBy()).isEqualTo("carol");
    ControlStore.ExecutionRow execution = fixture.controls.execution("noop", "moved").orElseThrow();
    assertThat(execution.data().maxAttempts()).isEqualTo(9);
    assertThat(execution.data().schedule()).isEqualTo(ScheduleSpec.at(later));
    assertThat(
            fixture.jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select priority from scheduled_tasks where task_instance = 'moved'"),
                Integer.class))
        .isEqualTo(7);
  }

  @Test
  void changingThePayloadReachesTheNextAttemptAndChangesTheVersion() {
    submit("repaid", ScheduleSpec.at(clock.now().plusSeconds(60)));
    Job before = fixture.jobs.find("repaid").orElseThrow();
    var payload = fixture.json.createObjectNode();
    payload.put("note", "changed");
    Job changed =
        control.change(
            "repaid", new JobControl.Change(null, null, null, payload, before.version()), "carol");
    assertThat(changed.payload()).isEqualTo(payload);
    assertThat(changed.version()).isNotEqualTo(before.version());
    assertThat(changed.schedule()).isEqualTo(before.schedule());
    assertThat(fixture.controls.execution("noop", "repaid").orElseThrow().data().payload())
        .isEqualTo(payload);
  }

  @Test
  void aChangeForAVersionNoLongerCurrentChangesNothing() {
    submit("stale", ScheduleSpec.at(clock.now().plusSeconds(60)));
    String read = fixture.jobs.find("stale").orElseThrow().version();
    control.change("stale", new JobControl.Change(null, 3, null), "alice");
    var payload = fixture.json.createObjectNode();
    payload.put("note", "late");
    assertThatThrownBy(
            () ->
                control.change("stale", new JobControl.Change(null, 9, null, payload, read), "bob"))
        .isInstanceOf(io.kairos.job.StaleJobVersion.class);
    Job after = fixture.jobs.find("stale").orElseThrow();
    assertThat(after.priority()).isEqualTo(3);
    assertThat(after.payload().has("note")).isFalse();
    assertThat(
            fixture.controls.execution("noop", "stale").orElseThrow().data().payload().has("note"))
        .isFalse();
  }

  @Test
  void changingAPausedJobChangesWhatItResumesWith() {
    submit("paused-change", ScheduleSpec.at(clock.now().plusSeconds(60)));
    control.pause("paused-change", "alice");
    Instant later = Instant.parse("2026-03-05T08:00:00Z");
    Job changed =
        control.change(
            "paused-change", new JobControl.Change(ScheduleSpec.at(later), null, null), "alice");
    assertThat(changed.state()).isEqualTo(JobState.PAUSED);
    assertThat(changed.nextRunAt()).isEqualTo(later);
    assertThat(control.resume("paused-change", "alice").nextRunAt()).isEqualTo(later);
  }

  @Test
  void pausingWhileAWorkerClaimsAndRunsNeverLosesNorDoublesAJob() throws Exception {
    int count = 200;
    for (int i = 0; i < count; i++) {
      submit("race-" + i, ScheduleSpec.at(clock.now()));
    }
    java.util.concurrent.atomic.AtomicInteger refused =
        new java.util.concurrent.atomic.AtomicInteger();
    Thread pauser =
        new Thread(
            () -> {
              for (int i = 0; i < count; i++) {
                try {
                  control.pause("race-" + i, "alice");
                } catch (JobStateConflict running) {
                  refused.incrementAndGet();
                }
              }
            });
    pauser.start();
    while (pauser.isAlive()) {
      scheduler.runAnyDueExecutions();
    }
    pauser.join();
    runEverythingDue();

    List<String> paused = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      Job job = fixture.jobs.find("race-" + i).orElseThrow();
      if (job.state() == JobState.PAUSED) {
        paused.add(job.id());
        assertThat(runs(job.id())).as(job.id()).isEmpty();
        assertThat(executions(job.id())).isZero();
      } else {
        assertThat(job.state()).as(job.id()).isEqualTo(JobState.COMPLETED);
        assertThat(runs(job.id())).as(job.id()).hasSize(1);
      }
    }
    for (String id : paused) {
      control.resume(id, "alice");
    }
    runEverythingDue();
    for (int i = 0; i < count; i++) {
      assertThat(fixture.jobs.find("race-" + i).orElseThrow().state())
          .isEqualTo(JobState.COMPLETED);
      assertThat(runs("race-" + i)).hasSize(1);
    }
    // Every pause either paused its job or was refused because a worker had it.
    assertThat(paused.size() + refused.get()).isEqualTo(count);
    // How the 200 split between pausing and running varies from run to run; the invariants above
    // hold for every split.
  }

  @Test
  void unknownJobsAreReportedAsSuch() {
    assertThatThrownBy(() -> control.pause("nobody", "alice"))
        .isInstanceOf(UnknownJobException.class);
    assertThatThrownBy(() -> control.resume("nobody", "alice"))
        .isInstanceOf(UnknownJobException.class);
    assertThatThrownBy(() -> control.cancel("nobody", "alice"))
        .isInstanceOf(UnknownJobException.class);
  }

  @Test
  void timeoutAndMisfireGraceAreStoredWithTheJobAndItsTaskData() {
    submitter.submit(
        new NewJob(
            "limits",
            "noop",
            null,
            fixture.json.createObjectNode(),
            ScheduleSpec.at(clock.now().plusSeconds(60)),
            3,
            0,
            "hash",
            "test",
            Duration.ofSeconds(30),
            Duration.ofMinutes(5)));
    Job job = fixture.jobs.find("limits").orElseThrow();
    assertThat(job.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(job.misfireGrace()).isEqualTo(Duration.ofMinutes(5));
    JobData data = fixture.controls.execution("noop", "limits").orElseThrow().data();
    assertThat(data.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(data.misfireGrace()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void listingPagesThroughJobsInIdOrderWithFilters() {
    for (int i = 0; i < 7; i++) {
      submit(
          "list-" + i, i % 2 == 0 ? "even" : "odd", ScheduleSpec.at(clock.now().plusSeconds(60)));
    }
    control.pause("list-2", "alice");
    List<Job> first = fixture.jobs.list(JobFilter.ALL, null, 3);
    assertThat(first).extracting(Job::id).containsExactly("list-0", "list-1", "list-2");
    List<Job> second = fixture.jobs.list(JobFilter.ALL, "list-2", 3);
    assertThat(second).extracting(Job::id).containsExactly("list-3", "list-4", "list-5");
    assertThat(fixture.jobs.list(new JobFilter(null, "even", JobState.SCHEDULED), null, 10))
        .extracting(Job::id)
        .containsExactly("list-0", "list-4", "list-6");
    assertThat(fixture.jobs.list(new JobFilter("noop", null, JobState.PAUSED), null, 10))
        .extracting(Job::id)
        .containsExactly("list-2");
    assertThat(fixture.jobs.list(new JobFilter("log", null, null), null, 10)).isEmpty();
  }

  @Test
  void replacingCreatesAnUnknownIdThenReplacesItWholeAndTheSameDefinitionTwiceChangesNothing() {
    JobSubmitter.Replacement created =
        submitter.replace(definition("put-1", "g-a", ScheduleSpec.at(clock.now().plusSeconds(60))));
    assertThat(created.outcome()).isEqualTo(JobStore.Replaced.CREATED);
    assertThat(created.job().revision()).isEqualTo(1);

    NewJob second = definition("put-1", "g-b", ScheduleSpec.every(Duration.ofMinutes(5)));
    JobSubmitter.Replacement replaced = submitter.replace(second);
    assertThat(replaced.outcome()).isEqualTo(JobStore.Replaced.REPLACED);
    Job job = replaced.job();
    assertThat(job.revision()).isEqualTo(2);
    assertThat(job.group()).isEqualTo("g-b");
    assertThat(job.schedule()).isEqualTo(ScheduleSpec.every(Duration.ofMinutes(5)));
    assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(job.nextRunAt()).isEqualTo(clock.now());
    JobData data = fixture.controls.execution("noop", "put-1").orElseThrow().data();
    assertThat(data.schedule()).isEqualTo(ScheduleSpec.every(Duration.ofMinutes(5)));
    long version = version("put-1");

    JobSubmitter.Replacement again = submitter.replace(second);
    assertThat(again.outcome()).isEqualTo(JobStore.Replaced.UNCHANGED);
    assertThat(again.job().revision()).isEqualTo(2);
    assertThat(version("put-1")).as("the execution was not touched").isEqualTo(version);
    assertThat(executions("put-1")).isEqualTo(1);
  }

  @Test
  void replacingRevivesAFinishedPausedOrDeadJobAndKeepsItsHistoryByRevision() {
    submit("revive", ScheduleSpec.at(clock.now()));
    runEverythingDue();
    assertThat(fixture.jobs.find("revive").orElseThrow().state()).isEqualTo(JobState.COMPLETED);

    Job second = submitter.replace(definition("revive", null, ScheduleSpec.at(clock.now()))).job();
    assertThat(second.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(second.lastSuccess())
        .as("the earlier revision's success is not this one's")
        .isNull();
    assertThat(second.finishedAt()).isNull();
    runEverythingDue();
    assertThat(runs("revive"))
        .extracting(JobRun::revision, JobRun::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, io.kairos.job.RunOutcome.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple(2, io.kairos.job.RunOutcome.SUCCEEDED));

    control.cancel(
        submitter
            .replace(definition("revive", "x", ScheduleSpec.at(clock.now().plusSeconds(60))))
            .job()
            .id(),
        "alice");
    assertThat(fixture.jobs.find("revive").orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    Job fourth =
        submitter
            .replace(definition("revive", "y", ScheduleSpec.at(clock.now().plusSeconds(60))))
            .job();
    assertThat(fourth.revision()).isEqualTo(4);
    assertThat(fourth.state()).isEqualTo(JobState.SCHEDULED);

    control.pause("revive", "alice");
    Job fifth =
        submitter
            .replace(definition("revive", "z", ScheduleSpec.at(clock.now().plusSeconds(90))))
            .job();
    assertThat(fifth.state())
        .as("a replaced paused job is a new, active job")
        .isEqualTo(JobState.SCHEDULED);
    assertThat(fifth.nextRunAt()).isEqualTo(clock.now().plusSeconds(90));
    assertThat(executions("revive")).isEqualTo(1);

    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql("delete from scheduled_tasks where task_instance = 'revive'"));
    fixture.finish("revive", JobState.DEAD, "boom");
    Job sixth = submitter.replace(definition("revive", null, ScheduleSpec.at(clock.now()))).job();
    assertThat(sixth.revision()).isEqualTo(6);
    assertThat(sixth.lastError()).isNull();
    assertThat(fixture.deadJobs.find("revive")).isEmpty();
    assertThat(executions("revive")).isEqualTo(1);
  }

  @Test
  void replacingAJobStoresTheNewDefinitionsNotificationTargets() throws Exception {
    NewJob first = definition("put-notify", null, ScheduleSpec.at(clock.now().plusSeconds(60)));
    submitter.replace(withNotify(first, "https://hooks.example.com/first", "h1"));
    submitter.replace(withNotify(first, "https://hooks.example.com/second", "h2"));

    String stored =
        fixture.jdbc.queryForObject(
            KairosSchema.DEFAULT.sql("select notify from kairos_job where id = 'put-notify'"),
            String.class);
    assertThat(fixture.json.readValue(stored, io.kairos.job.NotifyTarget[].class))
        .containsExactly(
            io.kairos.job.NotifyTarget.webhook(
                "https://hooks.example.com/second", java.util.Set.of(io.kairos.job.JobEvent.DEAD)));
  }

  private static NewJob withNotify(NewJob job, String webhook, String hash) {
    return new NewJob(
        job.id(),
        job.type(),
        job.group(),
        job.payload(),
        job.schedule(),
        job.maxAttempts(),
        job.priority(),
        hash,
        job.createdBy(),
        job.timeout(),
        job.misfireGrace(),
        List.of(
            io.kairos.job.NotifyTarget.webhook(
                webhook, java.util.Set.of(io.kairos.job.JobEvent.DEAD))));
  }

  @Test
  void aRunningJobIsNotReplacedAndItsExecutionIsLeftAsTheWorkerHasIt() {
    submit("put-busy", ScheduleSpec.at(clock.now()));
    claim("put-busy", "worker-9");
    long version = version("put-busy");

    assertThatThrownBy(
            () ->
                submitter.replace(
                    definition("put-busy", "other", ScheduleSpec.at(clock.now().plusSeconds(5)))))
        .isInstanceOfSatisfying(
            JobStateConflict.class,
            e -> {
              assertThat(e.state()).isEqualTo(JobState.RUNNING);
              assertThat(e.runningOn()).isEqualTo("worker-9");
            });

    assertThat(version("put-busy")).isEqualTo(version);
    Job job = fixture.jobs.find("put-busy").orElseThrow();
    assertThat(job.revision()).isEqualTo(1);
    assertThat(job.group()).isNull();
    assertThat(job.state()).isEqualTo(JobState.RUNNING);
  }

  @Test
  void aDeclaredJobIsNotReplacedThroughTheApi() {
    NewJob declared = definition("declared-1", null, ScheduleSpec.every(Duration.ofHours(1)));
    fixture.transactions.executeWithoutResult(
        tx -> fixture.jobs.create(fixture.sealed(declared), io.kairos.job.JobSource.CONFIG));

    assertThatThrownBy(
            () ->
                submitter.replace(
                    definition("declared-1", "mine", ScheduleSpec.every(Duration.ofHours(2)))))
        .isInstanceOf(io.kairos.job.JobConflict.class)
        .hasMessageContaining("declared in kairos.jobs");
    assertThat(fixture.jobs.find("declared-1").orElseThrow().revision()).isEqualTo(1);
  }

  @Test
  void pausingAGroupPausesItsPendingJobsListsTheRunningOnesAndResumingItPutsThemBack() {
    submit("pg-1", "tenant-1", ScheduleSpec.at(clock.now().plusSeconds(60)));
    submit("pg-2", "tenant-1", ScheduleSpec.every(Duration.ofMinutes(5)));
    submit("pg-3", "tenant-1", ScheduleSpec.at(clock.now()));
    submit("pg-other", "tenant-2", ScheduleSpec.at(clock.now().plusSeconds(60)));
    NewJob declared =
        new NewJob(
            "pg-declared",
            "noop",
            "tenant-1",
            fixture.json.createObjectNode(),
            ScheduleSpec.every(Duration.ofHours(1)),
            3,
            0,
            "declared",
            "config");
    fixture.transactions.executeWithoutResult(
        tx -> fixture.jobs.create(fixture.sealed(declared), io.kairos.job.JobSource.CONFIG));
    claim("pg-3", "worker-2");

    JobControl.BulkPause paused = control.pauseAll(new JobFilter(null, "tenant-1", null), "alice");

    assertThat(paused.paused()).containsExactlyInAnyOrder("pg-1", "pg-2");
    assertThat(paused.running()).containsExactly(new ControlStore.RunningJob("pg-3", "worker-2"));
    assertThat(fixture.jobs.find("pg-1").orElseThrow().state()).isEqualTo(JobState.PAUSED);
    assertThat(fixture.jobs.find("pg-1").orElseThrow().updatedBy()).isEqualTo("alice");
    assertThat(fixture.jobs.find("pg-3").orElseThrow().state()).isEqualTo(JobState.RUNNING);
    assertThat(fixture.jobs.find("pg-other").orElseThrow().state()).isEqualTo(JobState.SCHEDULED);
    assertThat(fixture.jobs.find("pg-declared").orElseThrow().state())
        .as("declared jobs are changed through configuration only")
        .isEqualTo(JobState.SCHEDULED);
    assertThat(executions("pg-1") + executions("pg-2")).isZero();

    scheduler.tick(Duration.ofMinutes(2));
    scheduler.runAnyDueExecutions();
    assertThat(runs("pg-1")).isEmpty();

    JobControl.BulkResume resumed = control.resumeAll(new JobFilter(null, "tenant-1", null), "bob");
    assertThat(resumed.resumed()).containsExactlyInAnyOrder("pg-1", "pg-2");
    assertThat(fixture.jobs.find("pg-1").orElseThrow().state()).isEqualTo(JobState.SCHEDULED);
    assertThat(fixture.jobs.find("pg-1").orElseThrow().nextRunAt()).isEqualTo(clock.now());
    assertThat(executions("pg-1") + executions("pg-2")).isEqualTo(2);
    assertThat(control.resumeAll(new JobFilter(null, "tenant-1", null), "bob").resumed()).isEmpty();
  }

  @Test
  void pausingATypePausesOnlyThatTypesJobs() {
    submit("pt-1", ScheduleSpec.at(clock.now().plusSeconds(60)));
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql("update kairos_job set type = 'log' where id = 'pt-1'"));
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update scheduled_tasks set task_name = 'log' where task_instance = 'pt-1'"));
    submit("pt-2", ScheduleSpec.at(clock.now().plusSeconds(60)));

    assertThat(control.pauseAll(new JobFilter("noop", null, null), "alice").paused())
        .containsExactly("pt-2");
    assertThat(fixture.jobs.find("pt-1").orElseThrow().state()).isEqualTo(JobState.SCHEDULED);
    assertThatThrownBy(() -> control.pauseAll(JobFilter.ALL, "alice"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requeueingDeadJobsByTypeRequeuesEachAndCountsThem() {
    for (int i = 0; i < 3; i++) {
      submit("dead-" + i, i == 2 ? "other" : null, ScheduleSpec.at(clock.now().plusSeconds(60)));
      fixture.jdbc.update(
          KairosSchema.DEFAULT.sql("delete from scheduled_tasks where task_instance = ?"),
          "dead-" + i);
      fixture.finish("dead-" + i, JobState.DEAD, "boom");
    }
    var deadJobs = fixture.kairos(clock).deadJobs();

    var byGroup = deadJobs.requeueAll(null, "other");
    assertThat(byGroup.requeued()).isOne();
    assertThat(fixture.jobs.find("dead-2").orElseThrow().state()).isEqualTo(JobState.SCHEDULED);

    var byType = deadJobs.requeueAll("noop", null);
    assertThat(byType.requeued()).isEqualTo(2);
    assertThat(byType.skipped()).isZero();
    assertThat(fixture.deadJobs.count()).isZero();
    assertThat(executions("dead-0") + executions("dead-1")).isEqualTo(2);
    assertThat(deadJobs.requeueAll("noop", null).requeued()).isZero();
  }

  @Test
  void aClientCanNeitherChangePauseResumeRunNorCancelADeclaredOrASystemJob() {
    NewJob declared = definition("clean-tokens", null, ScheduleSpec.every(Duration.ofHours(1)));
    fixture.kairos(clock).declarations().reconcile(List.of(declared));
    submitter.submit(
        definition("oauth-refresh:crm", null, ScheduleSpec.at(clock.now().plusSeconds(60))),
        JobSource.SYSTEM);
    JobControl.Caller client = JobControl.Caller.client("billing");

    for (String id : List.of("clean-tokens", "oauth-refresh:crm")) {
      Job before = fixture.jobs.find(id).orElseThrow();
      JobSource source = before.source();
      assertThat(source).isNotEqualTo(JobSource.API);
      List<Runnable> actions =
          List.of(
              () -> control.change(id, new JobControl.Change(null, 999, null), client),
              () -> control.pause(id, client),
              () -> control.resume(id, client),
              () -> control.runNow(id, client),
              () -> control.cancel(id, client),
              // The overloads that take only a name act for a client too.
              () -> control.cancel(id, "billing"));
      for (Runnable action : actions) {
        assertThatThrownBy(action::run)
            .isInstanceOf(OperatorJobException.class)
            .hasMessageContaining("only an operator (admin)")
            .satisfies(e -> assertThat(((OperatorJobException) e).source()).isEqualTo(source));
      }
      Job after = fixture.jobs.find(id).orElseThrow();
      assertThat(after.state()).isEqualTo(JobState.SCHEDULED);
      assertThat(after.priority()).isZero();
      assertThat(after.nextRunAt()).isEqualTo(before.nextRunAt());
      assertThat(after.updatedBy()).isEqualTo(before.updatedBy());
    }
  }

  @Test
  void anOperatorMayActOnDeclaredAndSystemJobs() {
    submitter.submit(
        definition("oauth-refresh:crm", null, ScheduleSpec.at(clock.now().plusSeconds(60))),
        JobSource.SYSTEM);
    JobControl.Caller admin = JobControl.Caller.operator("ops");

    assertThat(control.change("oauth-refresh:crm", new JobControl.Change(null, 5, null), admin))
        .extracting(Job::priority)
        .isEqualTo(5);
    assertThat(control.pause("oauth-refresh:crm", admin).state()).isEqualTo(JobState.PAUSED);
    assertThat(control.resume("oauth-refresh:crm", admin).state()).isEqualTo(JobState.SCHEDULED);
    assertThat(control.cancel("oauth-refresh:crm", admin).state()).isEqualTo(JobState.CANCELLED);
    assertThat(fixture.jobs.find("oauth-refresh:crm").orElseThrow().source())
        .isEqualTo(JobSource.SYSTEM);
  }

  @Test
  void aClientsGroupCancelSkipsDeclaredAndSystemJobs() {
    submit("api-job", "shared", ScheduleSpec.at(clock.now().plusSeconds(60)));
    fixture
        .kairos(clock)
        .declarations()
        .reconcile(
            List.of(definition("declared-job", "shared", ScheduleSpec.every(Duration.ofHours(1)))));
    submitter.submit(
        definition("system-job", "shared", ScheduleSpec.at(clock.now().plusSeconds(60))),
        JobSource.SYSTEM);

    JobControl.GroupCancellation byClient =
        control.cancelGroup("shared", JobControl.Caller.client("billing"));

    assertThat(byClient.cancelled()).containsExactly("api-job");
    assertThat(fixture.jobs.find("declared-job").orElseThrow().state())
        .isEqualTo(JobState.SCHEDULED);
    assertThat(fixture.jobs.find("system-job").orElseThrow().state()).isEqualTo(JobState.SCHEDULED);

    JobControl.GroupCancellation byOperator =
        control.cancelGroup("shared", JobControl.Caller.operator("ops"));
    assertThat(byOperator.cancelled()).containsExactlyInAnyOrder("declared-job", "system-job");
  }

  @Test
  void aReplayFromAnotherSourceIsAConflict() {
    NewJob job = definition("oauth-refresh:x", null, ScheduleSpec.at(clock.now().plusSeconds(60)));
    submitter.submit(job, JobSource.SYSTEM);

    assertThatThrownBy(() -> submitter.submit(job)).isInstanceOf(JobConflict.class);
    assertThat(submitter.submit(job, JobSource.SYSTEM).created()).isFalse();
  }

  private NewJob definition(String id, String group, ScheduleSpec schedule) {
    return new NewJob(
        id,
        "noop",
        group,
        fixture.json.createObjectNode(),
        schedule,
        3,
        0,
        "hash-" + id + "-" + group + "-" + schedule,
        "test");
  }

  private void submit(String id, ScheduleSpec schedule) {
    submit(id, null, schedule);
  }

  private void submit(String id, String group, ScheduleSpec schedule) {
    submitter.submit(
        new NewJob(
            id,
            "noop",
            group,
            fixture.json.createObjectNode(),
            schedule,
            3,
            0,
            "hash-" + id,
            "test"));
  }

  /** The manual scheduler claims a limited batch per call. */
  private void runEverythingDue() {
    for (int i = 0; i < 1000 && due() > 0; i++) {
      scheduler.runAnyDueExecutions();
    }
    assertThat(due()).isZero();
  }

  private int due() {
    return fixture.jdbc.queryForObject(
        KairosSchema.DEFAULT.sql("select count(*) from scheduled_tasks where execution_time <= ?"),
        Integer.class,
        java.sql.Timestamp.from(clock.now()));
  }

  private void claim(String id, String node) {
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update scheduled_tasks set picked = true, picked_by = ?, last_heartbeat = now(),"
                + " version = version + 1 where task_instance = ?"),
        node,
        id);
  }

  private long version(String id) {
    return fixture.jdbc.queryForObject(
        KairosSchema.DEFAULT.sql("select version from scheduled_tasks where task_instance = ?"),
        Long.class,
        id);
  }

  private int executions(String id) {
    return fixture.jdbc.queryForObject(
        KairosSchema.DEFAULT.sql("select count(*) from scheduled_tasks where task_instance = ?"),
        Integer.class,
        id);
  }

  private List<JobRun> runs(String id) {
    return fixture.runs.runsOf(id, 0, 100);
  }
}
