package io.kairos.api.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** An error that is answered with exactly this problem (404 for an unknown dead job, …). */
public class ApiProblem extends RuntimeException {

  private final HttpStatus status;
  private final String title;
  private final String field;

  public ApiProblem(HttpStatus status, String title, String detail, String field) {
    super(detail);
    this.status = status;
    this.title = title;
    this.field = field;
  }

  public static ApiProblem notFound(String detail) {
    return new ApiProblem(HttpStatus.NOT_FOUND, "Not found", detail, null);
  }

  public ProblemDetail problem() {
    return Problems.of(status, title, getMessage(), field);
  }
}
