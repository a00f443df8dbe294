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
  /** A one-time job found later than its misfire grace; it was not run. */
  MISSED
}
