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
   */
  record AttemptReport(
      String jobType, RunOutcome outcome, Duration startDelay, Duration runTime, Next next) {}

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
