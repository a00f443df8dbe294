package io.kairos.api.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * A request whose caller is known: by an API key ({@link ApiKeyFilter}, auth type {@code Bearer})
 * or by a dashboard session ({@code UiSessionFilter}, auth type {@code Session}). The caller is the
 * request's principal, its name the remote user, and its scopes its roles ({@code admin}, {@code
 * jobs:read}, …, for actuator's role checks), whichever way it signed in.
 */
public final class AuthenticatedRequest extends HttpServletRequestWrapper {

  private final ApiPrincipal principal;
  private final String authType;

  public AuthenticatedRequest(HttpServletRequest request, ApiPrincipal principal, String authType) {
    super(request);
    this.principal = principal;
    this.authType = authType;
  }

  @Override
  public Principal getUserPrincipal() {
    return principal;
  }

  @Override
  public String getRemoteUser() {
    return principal.name();
  }

  @Override
  public String getAuthType() {
    return authType;
  }

  @Override
  public boolean isUserInRole(String role) {
    try {
      return principal.may(Scope.parse(role));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
