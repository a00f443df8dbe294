package io.kairos.api.security;

import io.kairos.api.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The caller's key lacks the scope an endpoint needs (403). */
public class MissingScopeException extends ErrorResponseException {

  private final String requiredScope;

  MissingScopeException(String keyName, Scope required) {
    super(HttpStatus.FORBIDDEN, problem(keyName, required), null);
    this.requiredScope = required.text();
  }

  public String requiredScope() {
    return requiredScope;
  }

  /** The 403 problem, naming the scope in {@code requiredScope}. */
  private static ProblemDetail problem(String keyName, Scope required) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.FORBIDDEN,
            "Forbidden",
            "the API key '" + keyName + "' lacks the scope " + required.text(),
            null);
    problem.setProperty("requiredScope", required.text());
    return problem;
  }
}
