package io.kairos.bench.throughput;

import io.kairos.concurrent.DaemonTimers;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Prints how far a run is, every two seconds, one line each, while it runs. */
public final class DrainProgress implements AutoCloseable {

  private static final long POLL_MILLIS = 20;

  private final ScheduledExecutorService printer = DaemonTimers.newTimer("bench-progress");

  public DrainProgress(long total, LongSupplier done) {
    long start = System.nanoTime();
    printer.scheduleAtFixedRate(
        () ->
            System.out.printf(
                "        %,d / %,d after %.0f s%n",
                done.getAsLong(), total, (System.nanoTime() - start) / 1e9),
        2,
        2,
        TimeUnit.SECONDS);
  }

  /**
   * Waits until {@code remaining} reports nothing left or {@code limit} has passed since {@code
   * startNanos}, printing progress meanwhile; returns what was left.
   */
  public static long awaitDrained(
      long total, long startNanos, Duration limit, LongSupplier remaining)
      throws InterruptedException {
    long[] left = {total};
    try (DrainProgress progress = new DrainProgress(total, () -> total - left[0])) {
      long deadline = startNanos + limit.toNanos();
      while (System.nanoTime() < deadline) {
        left[0] = remaining.getAsLong();
        if (left[0] == 0) {
          break;
        }
        Thread.sleep(POLL_MILLIS); // a benchmark driver polling for its end condition
      }
    }
    return left[0];
  }

  @Override
  public void close() {
    printer.shutdownNow();
  }
}
