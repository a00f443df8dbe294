package io.kairos.jobtype.oauth;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.job.BearerTokens;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.TransientJobFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The current access token of a stored credential, for jobs that send it (a webhook's {@code
 * auth.oauthCredential}). A token that has expired, or is due for refresh (expiry minus {@code
 * kairos.oauth.refresh-margin}, as the refresh job reckons), is refreshed first, the way the
 * refresh job does it: the credential is claimed so a concurrent refresh waits, the tokens are
 * stored by compare-and-set on its version, and a refused grant marks it {@code REAUTH_REQUIRED}.
 *
 * <p>A missing credential, or one that needs re-authorisation, fails the job permanently; a refresh
 * under way elsewhere, a token endpoint that cannot be reached, or a credential changed meanwhile
 * is transient (retried by the tiers). Messages never carry a token.
 */
public final class AccessTokens implements BearerTokens {

  private final CredentialStore store;
  private final TokenEndpointClient client;
  private final Clock clock;
  private final Duration margin;
  private final Consumer<String> onReauthRequired;

  /**
   * @param margin refresh this long before expiry (at most half the token's lifetime)
   * @param onReauthRequired told the id of each credential that became REAUTH_REQUIRED (metrics)
   */
  public AccessTokens(
      CredentialStore store,
      TokenEndpointClient client,
      Clock clock,
      Duration margin,
      Consumer<String> onReauthRequired) {
    this.store = Objects.requireNonNull(store, "store");
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.margin = Objects.requireNonNull(margin, "margin");
    this.onReauthRequired = onReauthRequired == null ? id -> {} : onReauthRequired;
  }

  @Override
  public String currentAccessToken(String id, java.net.URI target) throws InterruptedException {
    StoredCredential credential =
        store
            .findForRefresh(id)
            .orElseThrow(
                () -> new PermanentJobFailure("OAuth credential '" + id + "' does not exist"));
    CredentialTargets.require(id, credential.binding(), target);
    if (credential.status() == CredentialStatus.REAUTH_REQUIRED) {
      throw reauthRequired(id, credential.statusReason());
    }
    Instant now = clock.now();
    Instant due =
        OAuthTokenRefreshHandler.dueAt(
            margin, credential.accessToken(), credential.expiresAt(), credential.refreshedAt());
    if (credential.accessToken() != null && (due == null || now.isBefore(due))) {
      return credential.accessToken();
    }
    String claimant = "token-user/" + UUID.randomUUID();
    Duration lease = client.timeout().multipliedBy(2).plusSeconds(5);
    if (!store.claim(id, claimant, now, lease)) {
      Duration wait =
          store
              .claimedUntil(id)
              .map(until -> Duration.between(now, until))
              .filter(d -> !d.isNegative() && !d.isZero())
              .orElse(Duration.ofSeconds(1));
      throw new TransientJobFailure(
          "a refresh of OAuth credential '" + id + "' is under way", null, wait);
    }
    try {
      TokenResponse tokens;
      try {
        tokens = client.request(credential);
      } catch (TokenEndpointClient.Refused refused) {
        if (store.markReauthRequired(id, credential.version(), refused.getMessage())) {
          onReauthRequired.accept(id);
          throw reauthRequired(id, refused.getMessage());
        }
        throw changedMeanwhile(id);
      }
      Instant expiresAt = tokens.expiresIn() == null ? null : now.plus(tokens.expiresIn());
      if (!store.storeRefreshed(id, credential.version(), tokens, now, expiresAt)) {
        throw changedMeanwhile(id);
      }
      return tokens.accessToken();
    } finally {
      store.release(id, claimant);
    }
  }

  private static PermanentJobFailure reauthRequired(String id, String reason) {
    return new PermanentJobFailure(
        "OAuth credential '"
            + id
            + "' needs re-authorisation ("
            + reason
            + "): POST /api/v1/oauth/credentials/"
            + id
            + "/reauthorise with a new refresh token");
  }

  private static TransientJobFailure changedMeanwhile(String id) {
    // Reauthorised, refreshed or deleted by someone else since it was read: read it again.
    return new TransientJobFailure(
        "OAuth credential '" + id + "' changed while its token was refreshed",
        null,
        Duration.ofSeconds(1));
  }
}
