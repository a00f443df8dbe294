package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.task.Execution;
import io.kairos.job.JobData;
import io.kairos.job.TransientJobFailure;
import java.time.Duration;
import java.time.Instant;

/**
 * The one place that decides where an execution goes after an attempt, whatever ended it; {@link
 * CompletionRecorder} writes what is decided here.
 *
 * <ul>
 *   <li>A success: the next occurrence the handler asked for, else the schedule's next one, else
 *       the job is COMPLETED.
 *   <li>A failure (FAILED or TIMED_OUT; tier 2 of the retries, tier 1 being in process around the
 *       handler): while the job has attempts left and the fault is not permanent, a retry after
 *       {@link PersistedBackoff} (or the fault's {@code Retry-After}, if longer) with {@code
 *       attempt + 1}, which any worker may take.
 *   <li>A cancel: no retry; a recurring job's next occurrence, or a one-time job CANCELLED.
 *   <li>A worker's death: while the job has attempts left, the same occurrence again at its
 *       scheduled time, flagged {@code recovered}.
 *   <li>Out of attempts: a recurring job moves on to its next occurrence, a one-time job is DEAD
 *       (kept with its payload and last error).
 * </ul>
 *
 * An execution that could not even start (its claim could not be checked) is no attempt: it is
 * tried again shortly, no attempt counted.
 */
final class AfterAttempt {

  /** When an attempt could not even start. */
  private static final Duration NOT_STARTED_RETRY = Duration.ofSeconds(5);

  private final PersistedBackoff backoff;
  private final Clock clock;

  AfterAttempt(PersistedBackoff backoff, Clock clock) {
    this.backoff = backoff;
    this.clock = clock;
  }

  Disposition succeeded(StartedAttempt attempt) {
    JobData data = attempt.data();
    Instant requested = attempt.context().requestedNextRun();
    if (requested != null) {
      // The handler knows when it is next needed (e.g. an OAuth token's expiry).
      return Disposition.nextOccurrence(requested, data.nextOccurrence());
    }
    if (data.schedule().recurring()) {
      return nextOccurrence(data, attempt.context().scheduledFor());
    }
    return Disposition.completed();
  }

  Disposition failed(StartedAttempt attempt, AttemptResult result) {
    JobData data = attempt.data();
    if (!result.permanent() && data.attemptsLeft()) {
      Duration delay = backoff.delayBefore(data.attempt() + 1);
      // Tier 1 gave up on a fault that asked for a longer wait (HTTP 429/503 Retry-After).
      Duration asked = TransientJobFailure.retryAfterOf(result.failure()).orElse(Duration.ZERO);
      if (asked.compareTo(delay) > 0) {
        delay = asked;
      }
      return Disposition.retry(clock.now().plus(delay), data.nextAttempt());
    }
    return outOfAttempts(data, attempt.context().scheduledFor());
  }

  /**
   * Cancelled by an operator: never retried. A recurring job moves on to its next occurrence, a
   * one-time job ends CANCELLED.
   */
  Disposition cancelled(StartedAttempt attempt) {
    JobData data = attempt.data();
    if (data.schedule().recurring()) {
      return nextOccurrence(data, attempt.context().scheduledFor());
    }
    return Disposition.cancelled();
  }

  Disposition workerDied(Execution dead, JobData data) {
    if (data.attemptsLeft()) {
      return Disposition.retry(dead.executionTime, data.revived());
    }
    return outOfAttempts(data, dead.executionTime);
  }

  /** When an execution that could not start is tried again. */
  Instant notStarted() {
    return clock.now().plus(NOT_STARTED_RETRY);
  }

  private Disposition outOfAttempts(JobData data, Instant scheduledFor) {
    if (data.schedule().recurring()) {
      return nextOccurrence(data, scheduledFor);
    }
    return Disposition.dead();
  }

  private Disposition nextOccurrence(JobData data, Instant scheduledFor) {
    return Disposition.nextOccurrence(
        data.schedule().nextExecution(scheduledFor, clock.now()), data.nextOccurrence());
  }
}
