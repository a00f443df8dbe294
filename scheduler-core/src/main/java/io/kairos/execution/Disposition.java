package io.kairos.execution;

import io.kairos.execution.AttemptObserver.Next;
import io.kairos.job.JobData;
import java.time.Instant;
import java.util.Objects;

/**
 * Where an execution goes after an attempt: rescheduled (to its next occurrence, or to a retry)
 * with new task data, or removed with its job COMPLETED or DEAD. Decided by {@link AfterAttempt},
 * written by {@link CompletionRecorder}.
 */
record Disposition(Next next, Instant at, JobData data, int skippedByOverlap, boolean caughtUp) {

  Disposition(Next next, Instant at, JobData data) {
    this(next, at, data, 0, false);
  }

  Disposition {
    Objects.requireNonNull(next, "next");
    if ((next == Next.RETRY || next == Next.NEXT_OCCURRENCE) && (at == null || data == null)) {
      throw new IllegalArgumentException(next + " needs a time and task data");
    }
  }

  static Disposition retry(Instant at, JobData data) {
    return new Disposition(Next.RETRY, at, data);
  }

  static Disposition nextOccurrence(Instant at, JobData data) {
    return new Disposition(Next.NEXT_OCCURRENCE, at, data);
  }

  /**
   * @param skippedByOverlap occurrences that fell due while the attempt ran and will not run
   * @param caughtUp the next occurrence is a missed one, run late to catch up
   */
  static Disposition nextOccurrence(
      Instant at, JobData data, int skippedByOverlap, boolean caughtUp) {
    return new Disposition(Next.NEXT_OCCURRENCE, at, data, skippedByOverlap, caughtUp);
  }

  static Disposition completed() {
    return new Disposition(Next.COMPLETED, null, null);
  }

  static Disposition cancelled() {
    return new Disposition(Next.CANCELLED, null, null);
  }

  static Disposition dead() {
    return new Disposition(Next.DEAD, null, null);
  }

  boolean reschedules() {
    return next == Next.RETRY || next == Next.NEXT_OCCURRENCE;
  }
}
