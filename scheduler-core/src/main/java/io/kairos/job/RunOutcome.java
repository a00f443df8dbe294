package io.kairos.job;

/** How one attempt ended. */
public enum RunOutcome {
  /** Started and not finished yet. */
  RUNNING,
  SUCCEEDED,
  FAILED,
  /** Ran longer than its timeout and was interrupted. */
  TIMED_OUT,
  /** Its worker stopped heartbeating; the execution was revived and run again elsewhere. */
  WORKER_DIED,
  /**
   * Stopped on request (an operator's cancel, or the job's overlap policy): not a failure, not
   * retried.
   */
  CANCELLED,
  /** A one-time job found later than its misfire grace; it was not run. */
  MISSED
}
