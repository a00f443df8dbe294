package io.kairos.api.ui;

import io.kairos.api.security.ApiPrincipal;
import io.kairos.api.security.Scope;

/** The signed-in key as pages see it: its name and what it may do, never the key. */
record UiUser(String name, boolean canWrite, boolean admin) {

  static UiUser of(ApiPrincipal principal) {
    return principal == null
        ? null
        : new UiUser(principal.name(), principal.may(Scope.JOBS_WRITE), principal.may(Scope.ADMIN));
  }
}
