package io.kairos.execution;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How long an attempt may run when its job sets no {@code timeout}: per job type, else {@code
 * fallback}. An attempt over its timeout is interrupted and recorded {@code TIMED_OUT}, a transient
 * failure retried like any other.
 */
public record TimeoutPolicy(Duration fallback, Map<String, Duration> byType) {

  public static final TimeoutPolicy DEFAULT = new TimeoutPolicy(Duration.ofHours(1), Map.of());

  public TimeoutPolicy {
    Objects.requireNonNull(fallback, "fallback");
    byType = Map.copyOf(byType == null ? Map.of() : byType);
    if (fallback.isNegative() || fallback.isZero()) {
      throw new IllegalArgumentException("default timeout must be positive");
    }
    byType.forEach(
        (type, timeout) -> {
          if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout of type " + type + " must be positive");
          }
        });
  }

  public Duration forAttempt(String type, Duration jobTimeout) {
    if (jobTimeout != null) {
      return jobTimeout;
    }
    return byType.getOrDefault(type, fallback);
  }
}
