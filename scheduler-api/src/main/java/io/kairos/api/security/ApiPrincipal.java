package io.kairos.api.security;

import java.security.Principal;
import java.util.Set;

/** The caller: the name of its API key (recorded as created_by / updated_by) and its scopes. */
public record ApiPrincipal(String name, Set<Scope> scopes) implements Principal {

  @Override
  public String getName() {
    return name;
  }

  public boolean may(Scope required) {
    return scopes.stream().anyMatch(scope -> scope.grants(required));
  }
}
