package io.kairos.execution;

import io.kairos.job.RunOutcome;
import java.time.Duration;

/** Told about every attempt whose result was recorded: for metrics. Must not throw or block. */
@FunctionalInterface
public interface AttemptObserver {

  AttemptObserver NONE = report -> {};

  void observe(AttemptReport report);

  /**
   * @param startDelay from the time the occurrence was due to the start of this attempt
   * @param next what happened to the job afterwards
   * @param skippedByOverlap occurrences of a recurring job that fell due while it ran and were
   *     skipped (its overlap policy)
   * @param caughtUp its next occurrence is a missed one run late (its catch-up policy)
   */
  record AttemptReport(
      String jobType,
      RunOutcome outcome,
      Duration startDelay,
      Duration runTime,
      Next next,
      int skippedByOverlap,
      boolean caughtUp) {

    public AttemptReport(
        String jobType, RunOutcome outcome, Duration startDelay, Duration runTime, Next next) {
      this(jobType, outcome, startDelay, runTime, next, 0, false);
    }
  }

  enum Next {
    /** One-time job done. */
    COMPLETED,
    /** Recurring job moved to its next occurrence. */
    NEXT_OCCURRENCE,
    /** Failed; another attempt is scheduled (the persisted retry tier, {@link AfterAttempt}). */
    RETRY,
    /** Failed for good. */
    DEAD,
    /** A one-time job cancelled while it ran. */
    CANCELLED
  }
}
