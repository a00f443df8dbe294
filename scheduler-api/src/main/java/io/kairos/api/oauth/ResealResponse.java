package io.kairos.api.oauth;

import io.kairos.jobtype.oauth.CredentialStore;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/** What re-sealing did: how many credentials moved to the current key, and what is left. */
@Schema(name = "ResealReport")
public record ResealResponse(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "KAIROS_ENCRYPTION_KEY_ID")
        String currentKeyId,
    @Schema(description = "credentials whose secrets were re-sealed under the current key")
        int resealed,
    @Schema(description = "credentials whose secrets no configured key opens; left as they are")
        int unreadable,
    @Schema(
            description =
                "secrets still sealed under other keys; 0 means the retired keys can be dropped")
        long remainingUnderOldKeys,
    @Schema(description = "stored secrets per key id, the current one included")
        Map<String, Long> secretsByKeyId) {

  static ResealResponse of(CredentialStore.ResealReport report) {
    return new ResealResponse(
        report.currentKeyId(),
        report.resealed(),
        report.unreadable(),
        report.underOldKeys(),
        report.secretsByKeyId());
  }
}
