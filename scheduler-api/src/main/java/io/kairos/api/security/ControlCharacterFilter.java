package io.kairos.api.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.problem.InputText;
import io.kairos.api.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, with a 400 naming the parameter, a request whose path or query parameters carry a
 * control character (NUL, CR, LF, …) or a lone surrogate once decoded: no id, group, cursor or
 * filter has a use for one, and a NUL would only fail later, in PostgreSQL, as a server error. A
 * path with parameters ({@code ;} in a segment, as in {@code /api/v1/jobs/a;b}) is refused too: the
 * container and Spring MVC drop them, so {@code PUT /api/v1/jobs/a;b} would change job {@code a}.
 * An id holding {@code ;} is written {@code %3B}.
 */
final class ControlCharacterFilter extends OncePerRequestFilter {

  private final ObjectMapper json;

  ControlCharacterFilter(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String pathInfo = request.getPathInfo();
    String path = request.getServletPath() + (pathInfo == null ? "" : pathInfo);
    if (InputText.controlCharacterIn(path, false) >= 0 || InputText.loneSurrogateIn(path) >= 0) {
      refuse(response, "path", "the path must not contain control characters");
      return;
    }
    String raw = request.getRequestURI();
    if (raw != null && raw.indexOf(';') >= 0) {
      refuse(
          response,
          "path",
          "the path must not carry parameters (';'); write a ';' inside an id as %3B");
      return;
    }
    Map<String, String[]> parameters;
    try {
      parameters = request.getParameterMap();
    } catch (IllegalArgumentException | IllegalStateException e) {
      refuse(response, null, "the query string is not valid");
      return;
    }
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      if (InputText.controlCharacterIn(name, false) >= 0) {
        refuse(response, null, "a query parameter name contains a control character");
        return;
      }
      for (String value : parameter.getValue()) {
        if (value != null
            && (InputText.controlCharacterIn(value, false) >= 0
                || InputText.loneSurrogateIn(value) >= 0)) {
          refuse(response, name, name + " must not contain control characters");
          return;
        }
      }
    }
    chain.doFilter(request, response);
  }

  private void refuse(HttpServletResponse response, String field, String detail)
      throws IOException {
    Problems.write(
        response, Problems.of(HttpStatus.BAD_REQUEST, "Invalid request", detail, field), json);
  }
}
