package io.kairos.jobtype.oauth;

import java.time.Instant;

/** A credential with its secrets opened, for a refresh only. Never logged (see toString). */
record StoredCredential(
    String id,
    String tokenEndpoint,
    GrantType grantType,
    String clientId,
    ClientAuthentication clientAuthentication,
    String clientSecret,
    String refreshToken,
    String accessToken,
    String scope,
    Instant expiresAt,
    Instant refreshedAt,
    CredentialStatus status,
    String statusReason,
    long version,
    CredentialBinding binding) {

  @Override
  public String toString() {
    return "StoredCredential[" + id + " v" + version + ", " + status + ", secrets hidden]";
  }
}
