package io.kairos.jobtype.oauth;

/** Whether a credential can still be refreshed without a person. */
public enum CredentialStatus {
  ACTIVE,
  /**
   * The token endpoint refused its grant ({@code invalid_grant}, e.g. the refresh token was revoked
   * or expired) or its client ({@code invalid_client}): someone has to authorise it again.
   */
  REAUTH_REQUIRED
}
