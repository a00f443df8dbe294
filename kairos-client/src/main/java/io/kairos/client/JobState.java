package io.kairos.client;

/**
 * A job's state: {@code SCHEDULED}, {@code RUNNING} or {@code PAUSED} while it may still run; the
 * others are final. A state this client does not know yet reads as null.
 */
public enum JobState {
  SCHEDULED,
  RUNNING,
  PAUSED,
  COMPLETED,
  DEAD,
  MISSED,
  CANCELLED;

  /** Whether the job will not run again (unless replaced, or requeued when dead). */
  public boolean isFinal() {
    return this == COMPLETED || this == DEAD || this == MISSED || this == CANCELLED;
  }
}
