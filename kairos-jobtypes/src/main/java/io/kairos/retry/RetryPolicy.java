package io.kairos.retry;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.kairos.job.TransientJobFailure;
import java.time.Duration;
import java.util.Objects;

/**
 * Tier 1 of the two retry tiers: how often, and how far apart, one attempt retries a transient
 * fault ({@link TransientJobFailure}) in process before it gives up and leaves the job to the
 * persisted tier.
 *
 * <p>Before try n (n ≥ 2) it waits {@code initialWait × multiplier^(n-2)}, spread by ± {@code
 * jitter} (a fraction, 0–1), capped at {@code maxWait}; a {@code Retry-After} the fault carries is
 * honoured (the wait is at least that long). A fault asking for more than {@code maxWait} is not
 * retried in process at all: the persisted tier waits for it instead, without holding a thread.
 *
 * @param maxAttempts tries per attempt, including the first (1 = no in-process retry)
 */
public record RetryPolicy(
    int maxAttempts, Duration initialWait, double multiplier, double jitter, Duration maxWait) {

  public static final int MAX_ATTEMPTS_LIMIT = 20;

  /** No in-process retry: each attempt tries once. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofMillis(1), 1.0, 0.0, Duration.ofMillis(1));

  /** Three tries, 500 ms then ~1 s apart (± 50 %), never waiting more than 30 s. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, Duration.ofMillis(500), 2.0, 0.5, Duration.ofSeconds(30));

  public RetryPolicy {
    Objects.requireNonNull(initialWait, "initialWait");
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new IllegalArgumentException(
          "max-attempts must be between 1 and " + MAX_ATTEMPTS_LIMIT + ", was " + maxAttempts);
    }
    if (initialWait.toMillis() < 1) {
      throw new IllegalArgumentException("initial-wait must be at least 1ms, was " + initialWait);
    }
    if (multiplier < 1.0) {
      throw new IllegalArgumentException("multiplier must be at least 1.0, was " + multiplier);
    }
    if (jitter < 0.0 || jitter > 1.0) {
      throw new IllegalArgumentException("jitter must be between 0.0 and 1.0, was " + jitter);
    }
    if (maxWait.compareTo(initialWait) < 0) {
      throw new IllegalArgumentException(
          "max-wait (" + maxWait + ") must not be below initial-wait (" + initialWait + ")");
    }
  }

  /** The wait before try {@code n} (n ≥ 2) without jitter or Retry-After. */
  public Duration nominalWaitBefore(int n) {
    if (n < 2) {
      return Duration.ZERO;
    }
    double millis = initialWait.toMillis() * Math.pow(multiplier, n - 2);
    return millis >= maxWait.toMillis() ? maxWait : Duration.ofMillis((long) millis);
  }

  /** Whether tier 1 retries this failure (later tries permitting). */
  public boolean retries(Throwable failure) {
    if (!(failure instanceof TransientJobFailure transientFailure)) {
      return false;
    }
    return transientFailure.retryAfter().map(wait -> wait.compareTo(maxWait) <= 0).orElse(true);
  }

  /** The Resilience4j configuration of this policy. */
  public RetryConfig toRetryConfig() {
    IntervalFunction backoff =
        IntervalFunction.ofExponentialRandomBackoff(
            initialWait.toMillis(), multiplier, jitter, maxWait.toMillis());
    IntervalBiFunction<Object> wait =
        (tries, outcome) -> {
          long millis = backoff.apply(tries);
          Throwable failure = outcome.isLeft() ? outcome.getLeft() : null;
          long asked = TransientJobFailure.retryAfterOf(failure).map(Duration::toMillis).orElse(0L);
          return Math.max(millis, asked);
        };
    return RetryConfig.custom()
        .maxAttempts(maxAttempts)
        .intervalBiFunction(wait)
        .retryOnException(this::retries)
        .failAfterMaxAttempts(false)
        .build();
  }
}
