package io.kairos.api.oauth;

import io.kairos.jobtype.oauth.OAuthCredential;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** A stored credential: everything but its secrets (whether it has them, never what they are). */
@Schema(name = "Credential")
public record CredentialResponse(
    String id,
    String tokenEndpoint,
    @Schema(allowableValues = {"refresh_token", "client_credentials"}) String grantType,
    String clientId,
    @Schema(allowableValues = {"client_secret_basic", "client_secret_post", "none"})
        String clientAuthentication,
    String scope,
    @Schema(
            allowableValues = {"ACTIVE", "REAUTH_REQUIRED"},
            description = "REAUTH_REQUIRED: the token endpoint refused the grant or the client")
        String status,
    @Schema(description = "why it needs re-authorisation (the endpoint's error), if it does")
        String statusReason,
    boolean hasRefreshToken,
    boolean hasAccessToken,
    @Schema(description = "when the current access token expires; null if none or unknown")
        Instant accessTokenExpiresAt,
    @Schema(description = "when its tokens were last refreshed") Instant refreshedAt,
    @Schema(description = "the id of its refresh job") String refreshJobId,
    long version,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    @Schema(
            description =
                "URL prefixes the access token may be sent to; empty: none (set them with PUT"
                    + " /api/v1/oauth/credentials/{id}/binding)")
        List<String> allowedTargets,
    @Schema(description = "keys besides admin keys that may create jobs using it")
        List<String> allowedKeys) {

  static CredentialResponse of(OAuthCredential c, String refreshJobId) {
    return new CredentialResponse(
        c.id(),
        c.tokenEndpoint(),
        c.grantType().wireName(),
        c.clientId(),
        c.clientAuthentication().wireName(),
        c.scope(),
        c.status().name(),
        c.statusReason(),
        c.hasRefreshToken(),
        c.hasAccessToken(),
        c.accessTokenExpiresAt(),
        c.refreshedAt(),
        refreshJobId,
        c.version(),
        c.createdAt(),
        c.createdBy(),
        c.updatedAt(),
        c.binding().allowedTargets(),
        c.binding().allowedKeys());
  }
}
