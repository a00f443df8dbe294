package io.kairos.job;

/**
 * Thrown by {@link JobContext#throwIfCancelled()} once the running attempt was asked to stop. A
 * handler may throw it (or just return early) wherever it can stop safely; the attempt is then
 * recorded {@code CANCELLED} (or {@code TIMED_OUT}, when its timeout stopped it), and a cancelled
 * attempt is not retried.
 */
public class AttemptCancelled extends RuntimeException {

  public AttemptCancelled(String reason) {
    super(reason);
  }
}
