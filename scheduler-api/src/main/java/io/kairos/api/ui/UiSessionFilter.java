package io.kairos.api.ui;

import io.kairos.api.security.ApiPrincipal;
import io.kairos.api.security.AuthenticatedRequest;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;

/**
 * Authentication for the dashboard, by session instead of bearer header: {@code /} and {@code /ui}
 * redirect to {@code /ui/}; under {@code /ui/} everything but the sign-in page and the static files
 * needs a signed-in session (pages redirect to sign-in), and every POST must carry its session's
 * synchronizer token (else 403, before anything runs). The caller becomes the request's principal,
 * so {@code @RequiresScope} is checked as for the REST API. Every response gets a strict
 * Content-Security-Policy: no inline script, nothing from elsewhere.
 */
final class UiSessionFilter extends OncePerRequestFilter {

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  /** Sent by the page script when it refreshes a page: answered 401 rather than redirected. */
  static final String LIVE_HEADER = "X-Kairos-Live";

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = path(request);
    return !(path.equals("/") || path.equals("/ui") || path.startsWith("/ui/"));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = path(request);
    if (path.equals("/") || path.equals("/ui")) {
      response.sendRedirect(UiPaths.HOME);
      return;
    }
    response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "same-origin");
    if (path.startsWith(UiPaths.STATIC)) {
      chain.doFilter(request, response);
      return;
    }
    response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if ("POST".equals(request.getMethod()) && !UiSession.csrfMatches(request)) {
      refuse(
          response,
          HttpServletResponse.SC_FORBIDDEN,
          "This form has expired or did not come from this dashboard, so it was not carried out."
              + " Go back, reload the page and try again.");
      return;
    }
    if (path.equals(UiPaths.SIGN_IN)) {
      chain.doFilter(request, response);
      return;
    }
    ApiPrincipal principal = UiSession.principal(request);
    if (principal == null) {
      if ("GET".equals(request.getMethod()) && request.getHeader(LIVE_HEADER) == null) {
        response.sendRedirect(UiPaths.SIGN_IN);
      } else {
        refuse(response, HttpServletResponse.SC_UNAUTHORIZED, "Sign in first.");
      }
      return;
    }
    chain.doFilter(new AuthenticatedRequest(request, principal, "Session"), response);
  }

  /** As the container resolved it (decoded, normalised), like the API key filter. */
  private static String path(HttpServletRequest request) {
    String pathInfo = request.getPathInfo();
    return request.getServletPath() + (pathInfo == null ? "" : pathInfo);
  }

  private static void refuse(HttpServletResponse response, int status, String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/html;charset=UTF-8");
    byte[] page =
        ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Kairos</title>"
                + "<link rel=\"stylesheet\" href=\"/ui/static/kairos.css\"></head><body>"
                + "<main class=\"narrow\"><h1>Not done</h1><p class=\"flash error\">"
                + HtmlUtils.htmlEscape(message)
                + "</p><p><a href=\"/ui/\">Dashboard</a> · <a href=\"/ui/sign-in\">Sign in</a>"
                + "</p></main></body></html>")
            .getBytes(StandardCharsets.UTF_8);
    response.setContentLength(page.length);
    response.getOutputStream().write(page);
  }
}
