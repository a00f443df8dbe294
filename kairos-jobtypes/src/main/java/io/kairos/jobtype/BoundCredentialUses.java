package io.kairos.jobtype;

import io.kairos.catalogue.CredentialNotAllowed;
import io.kairos.catalogue.CredentialUses;
import io.kairos.job.InvalidJobException;
import io.kairos.jobtype.oauth.CredentialBinding;
import io.kairos.jobtype.oauth.OAuthTokenRefreshPayload;
import io.kairos.jobtype.webhook.WebhookPayload;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one rule for jobs that use a stored OAuth credential ({@link CredentialUses}), applied
 * wherever a job is created by a known caller (the API's single, batch and PUT creations, an
 * application's {@code KairosJobs}, a handler's follow-ups): the caller must be an admin (operator)
 * or one of the credential's {@code allowedKeys}, else {@link CredentialNotAllowed} ({@code 403});
 * and a webhook sending its token must go to one of its {@code allowedTargets}, else a {@code 400}
 * naming {@code payload.url}. A refresh job ({@code oauth-token-refresh}) of a credential counts as
 * using it. The worker checks the target again before each request.
 */
public final class BoundCredentialUses implements CredentialUses {

  private final Function<String, Optional<CredentialBinding>> bindings;

  /**
   * @param bindings the binding of each stored credential, by id (empty: no such credential)
   */
  public BoundCredentialUses(Function<String, Optional<CredentialBinding>> bindings) {
    this.bindings = Objects.requireNonNull(bindings, "bindings");
  }

  /**
   * Refuses a job whose bound payload uses a credential {@code caller} may not use, or sends its
   * token where it may not go.
   *
   * @param payload a payload as {@link io.kairos.catalogue.JobCatalogue#bind} returned it
   * @param operator whether the caller is an admin key (or an operator acting for one)
   */
  @Override
  public void check(Object payload, String caller, boolean operator) {
    if (payload instanceof WebhookPayload webhook && webhook.auth() != null) {
      String id = webhook.auth().oauthCredential();
      CredentialBinding binding = require("payload.auth.oauthCredential", id);
      refuseUnlessAllowed("payload.auth.oauthCredential", id, binding, caller, operator);
      if (!binding.allowsTarget(webhook.uri())) {
        throw new InvalidJobException(
            "payload.url",
            "is not one of the targets OAuth credential '"
                + id
                + "' may be sent to "
                + binding.allowedTargets()
                + " (its allowedTargets, set by an admin)");
      }
    } else if (payload instanceof OAuthTokenRefreshPayload refresh) {
      String id = refresh.credentialId();
      CredentialBinding binding = require("payload.credentialId", id);
      refuseUnlessAllowed("payload.credentialId", id, binding, caller, operator);
    }
  }

  private CredentialBinding require(String field, String id) {
    return bindings
        .apply(id)
        .orElseThrow(
            () -> new InvalidJobException(field, "no OAuth credential '" + id + "' is stored"));
  }

  private static void refuseUnlessAllowed(
      String field, String id, CredentialBinding binding, String caller, boolean operator) {
    if (!operator && !binding.allowsKey(caller)) {
      throw new CredentialNotAllowed(field, id, Objects.toString(caller, "(unknown)"));
    }
  }
}
