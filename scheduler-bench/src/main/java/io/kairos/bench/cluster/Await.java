package io.kairos.bench.cluster;

import java.time.Duration;
import java.util.Optional;

/** Polls for a condition until a deadline: the driver's only way of waiting for the cluster. */
public final class Await {

  private Await() {}

  /** A probe that may fail (SQL, HTTP); its failures end the wait. */
  @FunctionalInterface
  public interface Probe<T> {
    Optional<T> poll() throws Exception;
  }

  /**
   * Polls every {@code every} until the probe answers or {@code timeout} (on the monotonic clock)
   * has passed; empty on timeout.
   */
  public static <T> Optional<T> until(Duration timeout, Duration every, Probe<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> answer;
      try {
        answer = probe.poll();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      if (answer.isPresent()) {
        return answer;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      pause(Duration.ofNanos(Math.min(left, every.toNanos())));
    }
  }

  /** Waits for a fixed time: used only to pace requests, never to wait for a condition. */
  public static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
