package io.kairos.api.oauth;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

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
    @Schema(description = "space-separated scopes to ask for") String scope,
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            description =
                "where the access token may be sent: URL prefixes such as https://api.crm.example"
                    + " (that origin) or https://api.crm.example/v2 (that origin, /v2 and below);"
                    + " a webhook naming the credential must send to one of them, 1 to 50")
        List<String> allowedTargets,
    @Schema(
            description =
                "names of the API keys, besides admin keys, that may create jobs using the"
                    + " credential (or app:<name> for an application's KairosJobs); default:"
                    + " admin keys only")
        List<String> allowedKeys) {

  /** Never the secrets: this may end up in a log line or an exception message. */
  @Override
  public String toString() {
    return "CreateCredentialRequest[" + id + ", " + grantType + ", secrets hidden]";
  }
}
