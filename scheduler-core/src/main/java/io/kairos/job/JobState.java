package io.kairos.job;

/**
 * A job's state as users see it. SCHEDULED and RUNNING are read live from db-scheduler's execution;
 * PAUSED means the execution was set aside (no worker can claim it); the others are final and kept
 * on the job once its execution is gone.
 */
public enum JobState {
  SCHEDULED,
  RUNNING,
  PAUSED,
  COMPLETED,
  DEAD,
  MISSED,
  CANCELLED;

  public boolean terminal() {
    return this == COMPLETED || this == DEAD || this == MISSED || this == CANCELLED;
  }
}
