package io.kairos.api.security;

import io.kairos.api.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** The caller's key lacks the scope an endpoint needs (403). */
public class MissingScopeException extends RuntimeException {

  private final String requiredScope;

  MissingScopeException(String keyName, Scope required) {
    super("the API key '" + keyName + "' lacks the scope " + required.text());
    this.requiredScope = required.text();
  }

  public String requiredScope() {
    return requiredScope;
  }

  /** The 403 problem, naming the scope in {@code requiredScope}. */
  public ProblemDetail problem() {
    ProblemDetail problem = Problems.of(HttpStatus.FORBIDDEN, "Forbidden", getMessage(), null);
    problem.setProperty("requiredScope", requiredScope);
    return problem;
  }
}
