package io.kairos.api.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** Over a dynamic limit: answered {@code 429} with {@code Retry-After} (whole seconds, ≥ 1). */
public class TooManyRequests extends RuntimeException {

  private final long retryAfterSeconds;
  private final String limit;

  /**
   * @param limit which limit, e.g. {@code creationsPerMinute}, named in the problem's {@code limit}
   */
  public TooManyRequests(String limit, String detail, long retryAfterSeconds) {
    super(detail);
    this.limit = limit;
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  /** Which limit was reached, e.g. {@code creationsPerMinute}. */
  public String limit() {
    return limit;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public ProblemDetail problem() {
    ProblemDetail problem =
        Problems.of(HttpStatus.TOO_MANY_REQUESTS, "Too many requests", getMessage(), null);
    problem.setProperty("limit", limit);
    return problem;
  }
}
