package io.kairos.api.security;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed authentications per client address, in fixed windows: once an address has failed {@code
 * limit} times within {@code window}, its requests are refused until the window ends (bearer keys
 * and dashboard sign-ins count alike). In memory, per API replica: a guessing client is slowed down
 * by every replica it reaches, which is what matters against 128-bit keys; nothing is shared or
 * persisted. The map drops ended windows when it grows, so addresses that stop trying cost nothing.
 */
public final class AuthFailures {

  private static final int SWEEP_ABOVE = 10_000;

  private final int limit;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  AuthFailures(int limit, Duration window, LongSupplier nanoTime) {
    if (limit < 1) {
      throw new IllegalArgumentException("kairos.api.auth-failures.limit must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("kairos.api.auth-failures.window must be positive");
    }
    this.limit = limit;
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Seconds until {@code address} may try again, or 0 when it may now. */
  public long blockedFor(String address) {
    Window window = windows.get(address);
    if (window == null) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    synchronized (window) {
      long left = window.start + windowNanos - now;
      if (left <= 0 || window.failures < limit) {
        return 0;
      }
      return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }
  }

  /** Counts a failed authentication of {@code address}. */
  public void failed(String address) {
    long now = nanoTime.getAsLong();
    if (windows.size() > SWEEP_ABOVE) {
      windows.values().removeIf(w -> w.endedBy(now, windowNanos));
    }
    Window window = windows.computeIfAbsent(address, a -> new Window(now));
    synchronized (window) {
      if (window.endedBy(now, windowNanos)) {
        window.start = now;
        window.failures = 0;
      }
      window.failures++;
    }
  }

  private static final class Window {
    long start;
    int failures;

    Window(long start) {
      this.start = start;
    }

    synchronized boolean endedBy(long now, long windowNanos) {
      return now - start >= windowNanos;
    }
  }
}
