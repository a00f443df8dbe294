package io.kairos.deadjob;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.kairos.control.JobSubmitter;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.JobType;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import io.kairos.wakeup.DueListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dead jobs on a real PostgreSQL: how a job gets there, and requeue and delete. */
class DeadJobsTests {

  /** Fails its first {@code failures} calls (permanently if so said), then works. */
  record Failing(int failures, boolean permanent) {}

  static final JobType<Failing> FAILING = new JobType<>("failing", Failing.class, "fails");
  static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
  static final JobHandler<Failing> HANDLER =
      (payload, context) -> {
        int call =
            CALLS.computeIfAbsent(context.jobId(), id -> new AtomicInteger()).incrementAndGet();
        if (call <= payload.failures()) {
          if (payload.permanent()) {
            throw new PermanentJobFailure("HTTP 404 on call " + call);
          }
          throw new IllegalStateException("failure " + call);
        }
      };

  static KairosFixture fixture;
  SettableClock clock;
  ManualScheduler scheduler;
  JobSubmitter submitter;
  DeadJobs deadJobs;
  List<Instant> wokenFor;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(FAILING, HANDLER, Noop.TYPE, new Noop()), 6);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @BeforeEach
  void scheduler() {
    clock = new SettableClock();
    clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    var support =
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
    wokenFor = new CopyOnWriteArrayList<>();
    DueListener listener = wokenFor::add;
    deadJobs = fixture.kairos(clock, listener).deadJobs();
  }

  @Test
  void aJobThatUsedUpItsAttemptsIsKeptDeadWithItsPayloadAttemptsAndLastError() {
    submit("exhausted", 3, false, 2);
    scheduler.runAnyDueExecutions();
    scheduler.tick(Duration.ofSeconds(10));
    scheduler.runAnyDueExecutions();

    DeadJob dead = deadJobs.find("exhausted").orElseThrow();
    assertThat(dead.type()).isEqualTo("failing");
    assertThat(dead.payload().get("failures").asInt()).isEqualTo(3);
    assertThat(dead.attempts()).isEqualTo(2);
    assertThat(dead.maxAttempts()).isEqualTo(2);
    assertThat(dead.lastError()).isEqualTo("IllegalStateException: failure 2");
    assertThat(dead.diedAt()).isNotNull();
    assertThat(deadJobs.list(null, null, 10)).extracting(DeadJob::id).contains("exhausted");
  }

  @Test
  void aPermanentFailureMakesAJobDeadAfterOneAttempt() {
    submit("refused", 1, true, 5);
    scheduler.runAnyDueExecutions();

    DeadJob dead = deadJobs.find("refused").orElseThrow();
    assertThat(dead.attempts()).isEqualTo(1);
    assertThat(dead.lastError()).isEqualTo("PermanentJobFailure: HTTP 404 on call 1");
  }

  @Test
  void aRequeuedJobRunsAgainFromAttemptOneAndItsHistoryGoesOn() {
    submit("second-chance", 1, true, 3);
    scheduler.runAnyDueExecutions();
    assertThat(deadJobs.find("second-chance")).isPresent();
    scheduler.tick(Duration.ofHours(1));

    DeadJobs.Requeue requeue = deadJobs.requeue("second-chance");

    assertThat(requeue.outcome()).isEqualTo(DeadJobs.Requeue.Outcome.REQUEUED);
    assertThat(requeue.nextRunAt()).isEqualTo(clock.now());
    assertThat(wokenFor).containsExactly(clock.now());
    assertThat(deadJobs.find("second-chance")).isEmpty();
    assertThat(fixture.jobs.find("second-chance").orElseThrow().state())
        .isEqualTo(JobState.SCHEDULED);

    scheduler.runAnyDueExecutions();

    assertThat(fixture.runs.runsOf("second-chance", 0, 10))
        .extracting(JobRun::attempt, JobRun::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, RunOutcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(1, RunOutcome.SUCCEEDED));
    assertThat(fixture.jobs.find("second-chance").orElseThrow().state())
        .isEqualTo(JobState.COMPLETED);
  }

  @Test
  void onlyDeadJobsCanBeRequeued() {
    submitter.submit(
        fixture.job("pending", "noop", null, ScheduleSpec.at(clock.now().plusSeconds(60)), 3));

    assertThat(deadJobs.requeue("pending").outcome()).isEqualTo(DeadJobs.Requeue.Outcome.NOT_DEAD);
    assertThat(deadJobs.requeue("no-such-job").outcome())
        .isEqualTo(DeadJobs.Requeue.Outcome.NOT_FOUND);
    assertThat(wokenFor).isEmpty();
  }

  @Test
  void twoConcurrentRequeuesOfOneJobRequeueItOnce() throws Exception {
    submit("contested-requeue", 1, true, 1);
    scheduler.runAnyDueExecutions();
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<DeadJobs.Requeue>> results =
          pool.invokeAll(
              List.of(
                  () -> {
                    together.await();
                    return deadJobs.requeue("contested-requeue");
                  },
                  () -> {
                    together.await();
                    return deadJobs.requeue("contested-requeue");
                  }));
      List<DeadJobs.Requeue.Outcome> outcomes = new java.util.ArrayList<>();
      for (Future<DeadJobs.Requeue> result : results) {
        outcomes.add(result.get().outcome());
      }
      assertThat(outcomes)
          .containsExactlyInAnyOrder(
              DeadJobs.Requeue.Outcome.REQUEUED, DeadJobs.Requeue.Outcome.NOT_DEAD);
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            fixture.jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from scheduled_tasks where task_instance = 'contested-requeue'"),
                Integer.class))
        .isEqualTo(1);
  }

  @Test
  void deletingRemovesADeadJobButNoOtherJob() {
    submit("discarded", 1, true, 1);
    scheduler.runAnyDueExecutions();
    submitter.submit(
        fixture.job("alive", "noop", null, ScheduleSpec.at(clock.now().plusSeconds(60)), 3));

    assertThat(deadJobs.delete("alive")).isFalse();
    assertThat(deadJobs.delete("discarded")).isTrue();
    assertThat(deadJobs.delete("discarded")).isFalse();
    assertThat(fixture.jobs.find("discarded")).isEmpty();
    assertThat(fixture.jobs.find("alive")).isPresent();
  }

  @Test
  void deadJobsArePagedInIdOrderAndFilteredByType() {
    for (String id : List.of("page-c", "page-a", "page-b")) {
      submit(id, 1, true, 1);
    }
    scheduler.runAnyDueExecutions();

    List<DeadJob> first = deadJobs.list("failing", "page-", 2);
    assertThat(first).extracting(DeadJob::id).containsExactly("page-a", "page-b");
    assertThat(deadJobs.list("failing", "page-b", 2))
        .extracting(DeadJob::id)
        .first()
        .isEqualTo("page-c");
    assertThat(deadJobs.list("noop", null, 10)).isEmpty();
  }

  @Test
  void housekeepingKeepsTheHistoryOfDeadJobs() {
    submit("old-dead", 1, true, 1);
    submitter.submit(fixture.job("old-done", "noop", null, ScheduleSpec.at(clock.now()), 1));
    scheduler.runAnyDueExecutions();
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update kairos_job_run set started_at = now() - interval '90 days', finished_at ="
                + " now() - interval '90 days' where job_id in ('old-dead', 'old-done')"));

    fixture.kairos(clock).housekeeper(100).pruneHistory(Duration.ofDays(30));

    assertThat(fixture.runs.runsOf("old-dead", 0, 10)).hasSize(1);
    assertThat(fixture.runs.runsOf("old-done", 0, 10)).isEmpty();
    assertThat(deadJobs.find("old-dead").orElseThrow().attempts()).isEqualTo(1);
  }

  private void submit(String id, int failures, boolean permanent, int maxAttempts) {
    submitter.submit(
        fixture.job(
            id,
            "failing",
            fixture.payload("{\"failures\": " + failures + ", \"permanent\": " + permanent + "}"),
            ScheduleSpec.at(clock.now()),
            maxAttempts));
  }
}
