package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.task.Execution;
import io.kairos.job.JobData;
import io.kairos.job.SchedulePolicy;
import io.kairos.job.ScheduleSpec;
import io.kairos.job.TransientJobFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
      return nextOccurrence(attempt);
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
    if (data.schedule().recurring()) {
      return nextOccurrence(attempt);
    }
    return Disposition.dead();
  }

  /**
   * Cancelled by an operator: never retried. A recurring job moves on to its next occurrence, a
   * one-time job ends CANCELLED.
   */
  Disposition cancelled(StartedAttempt attempt) {
    JobData data = attempt.data();
    if (data.schedule().recurring()) {
      return nextOccurrence(attempt);
    }
    return Disposition.cancelled();
  }

  /**
   * A recurring occurrence found later than its misfire grace under catch-up NONE: not run; the job
   * waits for its next occurrence after now.
   */
  Disposition missed(StartedAttempt attempt) {
    JobData data = attempt.data();
    return Disposition.nextOccurrence(
        jittered(
            data,
            attempt.context().jobId(),
            data.schedule().nextExecution(attempt.context().scheduledFor(), clock.now())),
        data.nextOccurrence());
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

  /**
   * Where a recurring job goes after an attempt ran, by its schedule's policy. Occurrences that
   * fell due before the attempt started were missed: catch-up ALL runs the first of them within its
   * window next (and so on, one after another); otherwise they were coalesced into this run.
   * Occurrences that fell due while it ran overlapped it: SKIP drops them, BUFFER_ONE and
   * CANCEL_RUNNING run the latest at once. Otherwise: the next occurrence after now, delayed by its
   * jitter.
   */
  private Disposition nextOccurrence(StartedAttempt attempt) {
    JobData data = attempt.data();
    ScheduleSpec schedule = data.schedule();
    SchedulePolicy policy = schedule.effectivePolicy();
    Instant scheduledFor = attempt.context().scheduledFor();
    Instant startedAt =
        attempt.startedAt().isAfter(scheduledFor) ? attempt.startedAt() : scheduledFor;
    Instant now = clock.now();
    if (policy.catchUp() == SchedulePolicy.CatchUp.ALL) {
      // The first occurrence after this one that is within the window, if it was due before the
      // attempt started: missed, so run next, at once.
      Instant oldest = now.minus(policy.catchUpWindow());
      Instant missed = schedule.nextExecution(scheduledFor, oldest.minusNanos(1));
      if (!missed.isAfter(startedAt)) {
        return Disposition.nextOccurrence(missed, data.nextOccurrence(), 0, true);
      }
    }
    // Occurrences on the schedule's grid that fell due while the attempt ran.
    List<Instant> overlapped = new java.util.ArrayList<>();
    Instant first = schedule.nextExecution(scheduledFor, startedAt);
    if (!first.isAfter(now)) {
      overlapped.add(first);
      overlapped.addAll(schedule.occurrencesBetween(first, now, SchedulePolicy.MAX_CAUGHT_UP));
    }
    if (!overlapped.isEmpty() && policy.overlap() != SchedulePolicy.Overlap.SKIP) {
      return Disposition.nextOccurrence(
          overlapped.get(overlapped.size() - 1), data.nextOccurrence(), 0, false);
    }
    Instant next =
        jittered(data, attempt.context().jobId(), schedule.nextExecution(scheduledFor, now));
    return Disposition.nextOccurrence(next, data.nextOccurrence(), overlapped.size(), false);
  }

  private static Instant jittered(JobData data, String jobId, Instant occurrence) {
    return occurrence.plus(data.schedule().effectivePolicy().jitterOf(jobId, occurrence));
  }
}
