package io.kairos.api.security;

import java.security.Principal;
import java.util.Set;

/**
 * The caller: the name of its API key (recorded as created_by / updated_by), its scopes and its
 * quota.
 */
public record ApiPrincipal(String name, Set<Scope> scopes, Quota quota) implements Principal {

  public ApiPrincipal {
    quota = quota == null ? Quota.NONE : quota;
  }

  ApiPrincipal(String name, Set<Scope> scopes) {
    this(name, scopes, Quota.NONE);
  }

  @Override
  public String getName() {
    return name;
  }

  public boolean may(Scope required) {
    return scopes.stream().anyMatch(scope -> scope.grants(required));
  }

  /** Whether the key has the {@code admin} scope: it may act on jobs of operators and Kairos. */
  public boolean admin() {
    return scopes.contains(Scope.ADMIN);
  }

  /**
   * The authenticated caller of a request that passed the API key filter (every {@code /api}
   * request does).
   */
  public static ApiPrincipal of(Principal principal) {
    if (principal instanceof ApiPrincipal caller) {
      return caller;
    }
    throw new IllegalStateException("the request was not authenticated by an API key");
  }
}
