package io.kairos.api.oauth;

import io.swagger.v3.oas.annotations.media.Schema;

/** New secrets for a credential the token endpoint refused (status REAUTH_REQUIRED). */
@Schema(name = "ReauthoriseCredential")
public record ReauthoriseRequest(
    @Schema(
            description =
                "the new refresh token; required for the refresh_token grant; write-only, never"
                    + " returned",
            accessMode = Schema.AccessMode.WRITE_ONLY)
        String refreshToken,
    @Schema(
            description =
                "a new client secret (required for client_credentials, optional otherwise);"
                    + " write-only, never returned",
            accessMode = Schema.AccessMode.WRITE_ONLY)
        String clientSecret) {

  /** Never the secrets: this may end up in a log line or an exception message. */
  @Override
  public String toString() {
    return "ReauthoriseRequest[secrets hidden]";
  }
}
