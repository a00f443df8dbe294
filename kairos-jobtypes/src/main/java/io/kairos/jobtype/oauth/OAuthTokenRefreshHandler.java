package io.kairos.jobtype.oauth;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.TransientJobFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Keeps one stored credential's access token fresh, and schedules itself: each successful run asks
 * for the next one at the token's expiry minus a margin (at most half the token's lifetime), so one
 * job per credential, created once (one-time, due now), refreshes it for as long as it exists.
 *
 * <p>A run whose token is not due yet (a re-run after a crash, a second job) refreshes nothing. A
 * refresh stores its tokens by compare-and-set on the credential's version, after claiming the
 * credential so that a concurrent refresh waits rather than spending the same refresh token. A
 * refused grant ({@code invalid_grant}, {@code invalid_client}) marks the credential {@code
 * REAUTH_REQUIRED} and the job dead; a deleted credential ends the job.
 */
public final class OAuthTokenRefreshHandler implements JobHandler<OAuthTokenRefreshPayload> {

  private final CredentialStore store;
  private final TokenEndpointClient client;
  private final Clock clock;
  private final Duration margin;
  private final Duration withoutExpiry;
  private final Consumer<String> onReauthRequired;

  /**
   * @param margin how long before expiry to refresh (at most half the token's lifetime)
   * @param withoutExpiry when to refresh a token whose response had no {@code expires_in}
   * @param onReauthRequired told the id of each credential that became REAUTH_REQUIRED (metrics)
   */
  public OAuthTokenRefreshHandler(
      CredentialStore store,
      TokenEndpointClient client,
      Clock clock,
      Duration margin,
      Duration withoutExpiry,
      Consumer<String> onReauthRequired) {
    this.store = Objects.requireNonNull(store, "store");
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.margin = Objects.requireNonNull(margin, "margin");
    this.withoutExpiry = Objects.requireNonNull(withoutExpiry, "withoutExpiry");
    this.onReauthRequired = onReauthRequired == null ? id -> {} : onReauthRequired;
  }

  @Override
  public void handle(OAuthTokenRefreshPayload payload, JobContext context)
      throws InterruptedException {
    String id = payload.credentialId();
    Optional<StoredCredential> found = store.findForRefresh(id);
    if (found.isEmpty()) {
      context.report("credential '" + id + "' no longer exists; nothing to refresh");
      return;
    }
    StoredCredential credential = found.get();
    if (credential.status() == CredentialStatus.REAUTH_REQUIRED) {
      throw new PermanentJobFailure(
          "credential '" + id + "' needs re-authorisation (" + credential.statusReason() + ")");
    }
    Instant now = clock.now();
    Instant due = dueAt(credential.accessToken(), credential.expiresAt(), credential.refreshedAt());
    if (due != null && now.isBefore(due)) {
      context.report(
          "access token valid until " + credential.expiresAt() + "; not due before " + due);
      context.requestNextRun(due);
      return;
    }
    String claimant = context.node() + "/" + UUID.randomUUID();
    Duration lease = client.timeout().multipliedBy(2).plusSeconds(5);
    if (!store.claim(id, claimant, now, lease)) {
      Duration wait =
          store
              .claimedUntil(id)
              .map(until -> Duration.between(now, until))
              .filter(d -> !d.isNegative())
              .orElse(Duration.ofSeconds(1));
      throw new TransientJobFailure(
          "another refresh of credential '" + id + "' is under way", null, wait);
    }
    try {
      refresh(credential, context, now);
    } finally {
      store.release(id, claimant);
    }
  }

  private void refresh(StoredCredential credential, JobContext context, Instant now)
      throws InterruptedException {
    String id = credential.id();
    TokenResponse tokens;
    try {
      tokens = client.request(credential);
    } catch (TokenEndpointClient.Refused refused) {
      if (store.markReauthRequired(id, credential.version(), refused.getMessage())) {
        onReauthRequired.accept(id);
        throw new PermanentJobFailure(
            "credential '" + id + "' needs re-authorisation: " + refused.getMessage());
      }
      // Changed meanwhile: a refresh elsewhere spent and replaced the token we sent.
      afterLostRace(id, context, now);
      return;
    }
    Instant expiresAt = tokens.expiresIn() == null ? null : now.plus(tokens.expiresIn());
    if (!store.storeRefreshed(id, credential.version(), tokens, now, expiresAt)) {
      afterLostRace(id, context, now);
      return;
    }
    Instant next = dueAt(tokens.accessToken(), expiresAt, now);
    if (next == null) {
      next = now.plus(withoutExpiry);
    }
    context.report(
        "refreshed with "
            + credential.grantType().wireName()
            + "; access token valid until "
            + (expiresAt == null ? "(not said)" : expiresAt)
            + (tokens.refreshToken() != null ? "; refresh token rotated" : ""));
    context.requestNextRun(next.isBefore(now.plusSeconds(1)) ? now.plusSeconds(1) : next);
  }

  private void afterLostRace(String id, JobContext context, Instant now) {
    Optional<OAuthCredential> current = store.find(id);
    context.report(
        "credential '"
            + id
            + "' was changed by someone else meanwhile; these tokens were not stored");
    Instant next =
        current
            .map(
                c ->
                    dueAt(
                        c.hasAccessToken() ? "" : null, c.accessTokenExpiresAt(), c.refreshedAt()))
            .orElse(null);
    context.requestNextRun(next == null || next.isBefore(now) ? now.plusSeconds(1) : next);
  }

  /** Expiry minus the margin, the margin at most half the token's lifetime; null if unknown. */
  Instant dueAt(String accessToken, Instant expiresAt, Instant refreshedAt) {
    return dueAt(margin, accessToken, expiresAt, refreshedAt);
  }

  /**
   * When a token is due for refresh: its expiry minus {@code margin}, the margin at most half the
   * token's lifetime; null if unknown. Jobs that use the token ({@link AccessTokens}) refresh it
   * from the same moment.
   */
  static Instant dueAt(
      Duration margin, String accessToken, Instant expiresAt, Instant refreshedAt) {
    if (accessToken == null || expiresAt == null) {
      return null;
    }
    Duration effective = margin;
    if (refreshedAt != null) {
      Duration half = Duration.between(refreshedAt, expiresAt).dividedBy(2);
      if (half.compareTo(effective) < 0) {
        effective = half.isNegative() ? Duration.ZERO : half;
      }
    }
    return expiresAt.minus(effective);
  }
}
