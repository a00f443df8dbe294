package io.kairos.jobtype.oauth;

import java.time.Instant;

/**
 * A stored credential as anyone may see it: everything but its secrets. Whether it holds a refresh
 * or access token is said, never what they are.
 *
 * @param accessTokenExpiresAt when the current access token expires (null: none yet, or unknown)
 * @param statusReason why it needs re-authorisation (the token endpoint's error), if it does
 * @param version bumped by every change; refreshes store by compare-and-set on it
 * @param binding where its token may be sent and who besides admins may use it
 */
public record OAuthCredential(
    String id,
    String tokenEndpoint,
    GrantType grantType,
    String clientId,
    ClientAuthentication clientAuthentication,
    String scope,
    CredentialStatus status,
    String statusReason,
    boolean hasRefreshToken,
    boolean hasAccessToken,
    Instant accessTokenExpiresAt,
    Instant refreshedAt,
    long version,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    CredentialBinding binding) {}
