package io.kairos.api.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authorization: the caller's key must grant the endpoint's {@link RequiresScope}, else 403. Runs
 * after Spring MVC picked the endpoint, so unknown paths are 404 and wrong methods 405 for any
 * authenticated caller. {@code OPTIONS} (Spring MVC's own answer: which methods a path allows)
 * needs any valid key ({@code jobs:read}), not {@code admin}: it shows what the API document shows.
 */
public final class ScopeInterceptor implements HandlerInterceptor {

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!(handler instanceof HandlerMethod method)) {
      return true; // static resources, or nothing found (404 follows)
    }
    RequiresScope annotation = method.getMethodAnnotation(RequiresScope.class);
    Scope required =
        annotation != null
            ? annotation.value()
            : "OPTIONS".equals(request.getMethod()) ? Scope.JOBS_READ : Scope.ADMIN;
    if (!(request.getUserPrincipal() instanceof ApiPrincipal caller)) {
      throw new MissingScopeException("(none)", required);
    }
    if (!caller.may(required)) {
      throw new MissingScopeException(caller.name(), required);
    }
    return true;
  }
}
