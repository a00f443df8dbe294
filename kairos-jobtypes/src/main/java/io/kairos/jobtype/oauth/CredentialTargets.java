package io.kairos.jobtype.oauth;

import io.kairos.job.PermanentJobFailure;
import java.net.URI;

/**
 * The worker's check before a request carries a credential's token: its target must be one the
 * credential is bound to now (an admin may have changed the binding since the job was created).
 */
final class CredentialTargets {

  private CredentialTargets() {}

  static void require(String id, CredentialBinding binding, URI target) {
    if (!binding.allowsTarget(target)) {
      throw new PermanentJobFailure(
          "OAuth credential '"
              + id
              + "' may not be sent to "
              + withoutQuery(target)
              + ": not one of its allowedTargets "
              + binding.allowedTargets()
              + " (an admin sets them: PUT /api/v1/oauth/credentials/"
              + id
              + "/binding); nothing was sent");
    }
  }

  /** The URL without its query, which may carry secrets. */
  private static String withoutQuery(URI url) {
    return url.getScheme()
        + "://"
        + url.getRawAuthority()
        + (url.getRawPath() == null ? "" : url.getRawPath());
  }
}
