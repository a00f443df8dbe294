package io.kairos.job;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What passes between a running attempt and the rest of the cluster while it runs: the request to
 * stop (an operator's cancel, or its timeout), which the handler sees through {@link JobContext},
 * and the progress it reports, which the worker writes to the database for the API to show. Shared
 * between the handler's thread and the worker's signal watch, hence atomic.
 */
public final class AttemptSignals {

  private final AtomicReference<String> stopReason = new AtomicReference<>();
  private final AtomicReference<Progress> progress = new AtomicReference<>();
  private final AtomicLong progressChanges = new AtomicLong();

  /**
   * Asks the attempt to stop.
   *
   * @return whether this was the first request (later ones keep the first reason)
   */
  public boolean requestStop(String reason) {
    return stopReason.compareAndSet(null, reason == null ? "cancelled" : reason);
  }

  public boolean stopRequested() {
    return stopReason.get() != null;
  }

  /** Why the attempt was asked to stop, or null. */
  public String stopReason() {
    return stopReason.get();
  }

  public void report(Progress value) {
    progress.set(value);
    progressChanges.incrementAndGet();
  }

  /** The progress reported last, or null. */
  public Progress progress() {
    return progress.get();
  }

  /** Counts reports, so a writer can tell whether anything changed since it last wrote. */
  public long progressChanges() {
    return progressChanges.get();
  }
}
