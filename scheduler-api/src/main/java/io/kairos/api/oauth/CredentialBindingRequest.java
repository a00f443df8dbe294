package io.kairos.api.oauth;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Where a credential's access token may be sent and who besides admins may use it. */
@Schema(name = "CredentialBinding")
public record CredentialBindingRequest(
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            description =
                "URL prefixes such as https://api.crm.example or https://api.crm.example/v2, 1 to"
                    + " 50")
        List<String> allowedTargets,
    @Schema(description = "API key names besides admin keys; default: admin keys only")
        List<String> allowedKeys) {}
