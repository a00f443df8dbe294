package io.kairos.job;

import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by a handler for a fault that may pass by itself: I/O errors, timeouts, HTTP 5xx, 408 and
 * 429, SMTP 4xx. Only these are retried in process (tier 1, the worker's in-process retries); when
 * tier 1 gives up, the persisted tier reschedules the job like any failed attempt, but not earlier
 * than {@link #retryAfter()}.
 */
public class TransientJobFailure extends RuntimeException {

  private final Duration retryAfter;

  public TransientJobFailure(String message, Throwable cause) {
    this(message, cause, null);
  }

  /**
   * @param retryAfter how long the other side asked us to wait (e.g. HTTP {@code Retry-After}), or
   *     null
   */
  public TransientJobFailure(String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    if (retryAfter != null && retryAfter.isNegative()) {
      retryAfter = Duration.ZERO;
    }
    this.retryAfter = retryAfter;
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** The wait a failure asks for, if it is a transient one that says so. */
  public static Optional<Duration> retryAfterOf(Throwable failure) {
    return failure instanceof TransientJobFailure t ? t.retryAfter() : Optional.empty();
  }
}
