package io.kairos.api.oauth;

import io.swagger.v3.oas.annotations.media.Schema;

/** A credential to store. Its secrets are sealed at once and never shown again. */
@Schema(name = "CreateCredential")
public record CreateCredentialRequest(
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            description = "unique, [A-Za-z0-9._:-]{1,200}")
        String id,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "https URL")
        String tokenEndpoint,
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            allowableValues = {"refresh_token", "client_credentials"})
        String grantType,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String clientId,
    @Schema(
            description =
                "required unless clientAuthentication is none; write-only, never returned",
            accessMode = Schema.AccessMode.WRITE_ONLY)
        String clientSecret,
    @Schema(
            description = "default client_secret_basic with a secret, none without",
            allowableValues = {"client_secret_basic", "client_secret_post", "none"})
        String clientAuthentication,
    @Schema(
            description = "required for the refresh_token grant; write-only, never returned",
            accessMode = Schema.AccessMode.WRITE_ONLY)
        String refreshToken,
    @Schema(description = "space-separated scopes to ask for") String scope) {

  /** Never the secrets: this may end up in a log line or an exception message. */
  @Override
  public String toString() {
    return "CreateCredentialRequest[" + id + ", " + grantType + ", secrets hidden]";
  }
}
