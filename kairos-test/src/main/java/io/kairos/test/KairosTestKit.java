package io.kairos.test;

import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.kairos.job.Job;
import io.kairos.job.JobRun;
import io.kairos.registry.JobStore;
import io.kairos.registry.RunHistoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Drives an application's Kairos worker in a test: a clock that moves only when told to, and a
 * scheduler that runs due jobs only when told to, on the calling thread. Every attempt goes through
 * the same steps as on a cluster (claim, misfire check, handler with its timeout and tier-1
 * retries, recording, the persisted retry tier), against the real database.
 *
 * <p>{@link #advance} moves the clock in one jump and runs nothing; {@link #runDue()} then runs
 * what is due. As on a cluster that was down for that long, a one-time job found later than its
 * misfire grace (default 5 minutes, {@code kairos.default-misfire-grace}) is recorded {@code
 * MISSED}, and a recurring job runs once and is scheduled from the new time on.
 *
 * <p>History's {@code scheduledFor} and {@code startedAt} are the kit's clock; {@code finishedAt}
 * is the database's.
 *
 * <p><b>Idempotent side effects.</b> An attempt can run again after its handler's side effects took
 * place: when a worker dies after the handler returned and before the attempt's result was
 * committed, another worker revives the execution and runs the same occurrence again, with the same
 * {@link io.kairos.job.JobContext#occurrenceId()} (and {@code recovered} set, attempt + 1). A
 * handler whose side effect must happen once keys it on the occurrence id (a unique key in its own
 * table, an idempotency key sent to another service). {@link #runDueTwice()} shows a handler doing
 * that: it runs what is due, loses the results as a dying worker would ({@link
 * #runDueThenCrash()}), lets the executions be revived, and runs them again:
 *
 * <pre>{@code
 * jobs.create(JobRequest.of("remind-1", "invoice-reminder", new InvoiceReminder("INV-1")));
 * kit.runDueTwice();
 * assertThat(sentReminders("INV-1")).isEqualTo(1);  // the handler ran twice, the effect once
 * assertThat(kit.history("remind-1")).extracting(JobRun::outcome)
 *     .containsExactly(RunOutcome.WORKER_DIED, RunOutcome.SUCCEEDED);
 * }</pre>
 */
public final class KairosTestKit {

  /** A job rescheduling itself to "now" again and again would otherwise keep runDue() going. */
  static final int MAX_ROUNDS = 1_000;

  private static final int HISTORY_LIMIT = 10_000;

  /** The manual scheduler's heartbeat interval (db-scheduler's default). */
  static final Duration HEARTBEAT_INTERVAL = SchedulerBuilder.DEFAULT_HEARTBEAT_INTERVAL;

  /** How long an execution's claim lasts without a heartbeat before it is revived. */
  static final Duration DEAD_AFTER =
      HEARTBEAT_INTERVAL.multipliedBy(SchedulerBuilder.DEFAULT_MISSED_HEARTBEATS_LIMIT);

  private final ManualScheduler scheduler;
  private final SettableClock clock;
  private final ExecutionCounter executions;
  private final WorkerDeaths deaths;
  private final JobStore jobs;
  private final RunHistoryStore runs;

  KairosTestKit(
      ManualScheduler scheduler,
      SettableClock clock,
      ExecutionCounter executions,
      WorkerDeaths deaths,
      JobStore jobs,
      RunHistoryStore runs) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.executions = executions;
    this.deaths = deaths;
    this.jobs = jobs;
    this.runs = runs;
  }

  /**
   * Runs every execution due at {@link #now()} on this thread, again until none is due (a job may
   * make another due now: a follow-up, a run-now), and returns once all their results are
   * committed.
   *
   * @return how many executions ran
   * @throws IllegalStateException inside a transaction (the claims would join it and the results,
   *     written in their own, would wait for it forever), or when executions keep becoming due
   */
  public int runDue() {
    if (TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException(
          "runDue() must not be called inside a transaction (a @Transactional test or method):"
              + " the claims would join it, and the results, written in transactions of their"
              + " own, would wait for it");
    }
    long before = executions.completed();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      long start = executions.completed();
      scheduler.runAnyDueExecutions();
      if (executions.completed() == start) {
        return Math.toIntExact(executions.completed() - before);
      }
    }
    throw new IllegalStateException(
        "executions were still due after "
            + MAX_ROUNDS
            + " rounds of runDue(): does a job reschedule itself for now?");
  }

  /**
   * Runs every execution due at {@link #now()} as {@link #runDue()} does (handlers and the side
   * effects they commit themselves), then loses every result as a worker that dies before its
   * commit would, and lets the cluster revive the executions: each attempt is in history as {@code
   * WORKER_DIED}, and its occurrence is due again at its scheduled time, flagged {@code recovered},
   * as attempt + 1 (a job that has no attempt left is dead instead, or a recurring one moves on).
   * Follow-ups the handlers asked for are not created. The clock is where it was.
   *
   * @return how many executions ran
   * @throws IllegalStateException as {@link #runDue()}
   */
  public int runDueThenCrash() {
    int ran = deaths.during(this::runDue);
    Instant now = clock.now();
    // Revival takes claims older than the dead-after window: look from past it, then come back.
    clock.set(now.plus(DEAD_AFTER).plusMillis(1));
    try {
      scheduler.runDeadExecutionDetection();
    } finally {
      clock.set(now);
    }
    return ran;
  }

  /**
   * Runs what is due twice, as it runs when a worker dies after the handlers' side effects and
   * before their results are committed: {@link #runDueThenCrash()}, then {@link #runDue()}. Each
   * occurrence's handler runs twice with the same {@link io.kairos.job.JobContext#occurrenceId()};
   * the second attempt's result is recorded.
   *
   * @return how many executions ran the first time
   */
  public int runDueTwice() {
    int ran = runDueThenCrash();
    runDue();
    return ran;
  }

  /** Moves the clock forward; runs nothing (call {@link #runDue()}). */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("the clock only moves forward: " + duration);
    }
    clock.set(clock.now().plus(duration));
  }

  /** Sets the clock, forward or back; runs nothing (call {@link #runDue()}). */
  public void setTime(Instant time) {
    clock.set(Objects.requireNonNull(time, "time"));
  }

  /** The kit's time: Kairos's clock in this application. */
  public Instant now() {
    return clock.now();
  }

  /** The attempts of a job, oldest first: outcome, attempt number, error, detail. */
  public List<JobRun> history(String jobId) {
    return runs.runsOf(jobId, 0, HISTORY_LIMIT);
  }

  /** A job as Kairos shows it (state, schedule, last run), if it exists. */
  public Optional<Job> job(String id) {
    return jobs.find(id);
  }
}
