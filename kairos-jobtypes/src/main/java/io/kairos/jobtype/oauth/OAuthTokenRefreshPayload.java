package io.kairos.jobtype.oauth;

import io.kairos.job.InvalidJobException;
import io.kairos.job.NewJob;

/** {@code {"credentialId": "…"}}: the stored credential to keep fresh. */
public record OAuthTokenRefreshPayload(String credentialId) {

  /** Every credential's refresh job has an id starting with this; clients may not use it. */
  public static final String JOB_ID_PREFIX = "oauth-refresh:";

  /** The conventional id of a credential's refresh job. */
  public static String jobIdFor(String credentialId) {
    return JOB_ID_PREFIX + credentialId;
  }

  public OAuthTokenRefreshPayload {
    if (credentialId == null || !NewJob.ID.matcher(credentialId).matches()) {
      throw new InvalidJobException("credentialId", "must match [A-Za-z0-9._:-]{1,200}");
    }
  }
}
