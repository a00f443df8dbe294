package io.kairos.job;

/**
 * A job's state as users see it. SCHEDULED and RUNNING are read live from db-scheduler's execution;
 * the others are kept on the job once its execution is gone.
 */
public enum JobState {
  SCHEDULED,
  RUNNING,
  PAUSED,
  COMPLETED,
  DEAD,
  MISSED;

  public boolean terminal() {
    return this == COMPLETED || this == DEAD || this == MISSED;
  }
}
