package io.kairos.execution;

import java.time.Duration;
import java.util.Objects;

/**
 * The persisted retry tier's delays: {@code initial × multiplier^(n-2)} before attempt n (n ≥ 2),
 * capped at {@code max}. The rescheduled execution may be taken by any worker.
 */
public record PersistedBackoff(Duration initial, double multiplier, Duration max) {

  public static final PersistedBackoff DEFAULT =
      new PersistedBackoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10));

  public PersistedBackoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial backoff must be positive");
    }
    if (multiplier < 1.0) {
      throw new IllegalArgumentException("backoff multiplier must be at least 1");
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max backoff must not be below the initial backoff");
    }
  }

  public Duration delayBefore(int attempt) {
    if (attempt < 2) {
      return Duration.ZERO;
    }
    double millis = initial.toMillis() * Math.pow(multiplier, attempt - 2);
    return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
  }
}
