package io.kairos.client;

/** How one attempt ended. An outcome this client does not know yet reads as null. */
public enum RunOutcome {
  RUNNING,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  WORKER_DIED,
  MISSED
}
