package io.kairos.api.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authentication: every request but health and the API documentation needs {@code Authorization:
 * Bearer <key>} with a known key, else 401. The caller becomes the request's principal; which scope
 * an endpoint needs is checked later by {@link ScopeInterceptor}, once the endpoint is known.
 * Actuator endpoints other than health need {@code admin}. Keys are never logged. An address that
 * failed authentication too often recently is answered {@code 429} with {@code Retry-After}, before
 * its key is even looked at ({@link AuthFailures}).
 */
final class ApiKeyFilter extends OncePerRequestFilter {

  private static final String BEARER = "Bearer ";
  private static final String BEARER_AUTH = "Bearer";

  private final ApiKeys keys;
  private final ObjectMapper json;
  private final AuthFailures failures;

  ApiKeyFilter(ApiKeys keys, ObjectMapper json, AuthFailures failures) {
    this.keys = keys;
    this.json = json;
    this.failures = failures;
  }

  /**
   * Paths this filter leaves alone: open ones, and the dashboard ({@code /} redirects to it), which
   * authenticates by session instead of by header ({@code io.kairos.api.ui}); a bearer key is never
   * read from a cookie, so {@code /api/**} cannot be reached with the dashboard's session.
   */
  static boolean isOpen(String path) {
    return path.equals("/")
        || path.equals("/ui")
        || path.startsWith("/ui/")
        || path.equals("/actuator/health")
        || path.startsWith("/actuator/health/")
        || path.equals("/v3/api-docs")
        || path.startsWith("/v3/api-docs/")
        || path.equals("/v3/api-docs.yaml")
        || path.equals("/swagger-ui.html")
        || path.startsWith("/swagger-ui/");
  }

  /**
   * The path as the container resolved it (decoded, {@code ;} parameters and {@code ..} removed),
   * never the raw request URI: {@code /actuator/health/..;/metrics} must not pass as health.
   */
  private static String path(HttpServletRequest request) {
    String pathInfo = request.getPathInfo();
    return request.getServletPath() + (pathInfo == null ? "" : pathInfo);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (isOpen(path(request))) {
      // Open to everyone, but a valid key still identifies its caller: health shows its details
      // (disk paths and sizes, the database) only to an admin key
      // (management.endpoint.health.show-details=when-authorized, roles=admin).
      Optional<ApiPrincipal> caller =
          header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
              ? keys.authenticate(header.substring(BEARER.length()).trim())
              : Optional.empty();
      chain.doFilter(
          caller.isPresent()
              ? new AuthenticatedRequest(request, caller.get(), BEARER_AUTH)
              : request,
          response);
      return;
    }
    String address = request.getRemoteAddr();
    long blocked = failures.blockedFor(address);
    if (blocked > 0) {
      response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(blocked));
      ProblemDetail problem =
          Problems.of(
              HttpStatus.TOO_MANY_REQUESTS,
              "Too many requests",
              "too many failed authentications from this address; retry after " + blocked + " s",
              null);
      problem.setProperty("limit", "authFailures");
      Problems.write(response, problem, json);
      return;
    }
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      // Not a guess: only wrong keys count towards the address's limit.
      unauthorized(response, "an API key is required: send 'Authorization: Bearer <key>'");
      return;
    }
    Optional<ApiPrincipal> caller = keys.authenticate(header.substring(BEARER.length()).trim());
    if (caller.isEmpty()) {
      failures.failed(address);
      unauthorized(response, "the API key is not valid");
      return;
    }
    ApiPrincipal principal = caller.get();
    if (path(request).startsWith("/actuator") && !principal.may(Scope.ADMIN)) {
      Problems.write(
          response, new MissingScopeException(principal.name(), Scope.ADMIN).getBody(), json);
      return;
    }
    chain.doFilter(new AuthenticatedRequest(request, principal, BEARER_AUTH), response);
  }

  private void unauthorized(HttpServletResponse response, String detail) throws IOException {
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"kairos\"");
    Problems.write(
        response, Problems.of(HttpStatus.UNAUTHORIZED, "Unauthorized", detail, null), json);
  }
}
