package io.kairos.job;

/**
 * The current access token of a stored OAuth credential, for a job that sends it ({@code
 * Authorization: Bearer …}). Implemented by the credential store's side and handed to the types
 * that need it, so those types never depend on how credentials are kept or refreshed.
 *
 * <p>Refreshes first when the token has expired or is about to. Fails with a {@link
 * PermanentJobFailure} when the credential does not exist or needs re-authorisation, and with a
 * {@link TransientJobFailure} when the token endpoint could not be reached, and permanently too
 * when the credential may not be sent to {@code target} (its admin bound it to other targets). The
 * token must never be logged, reported or stored by the caller.
 */
@FunctionalInterface
public interface BearerTokens {

  /**
   * @param target where the request carrying the token goes
   */
  String currentAccessToken(String credentialId, java.net.URI target) throws InterruptedException;
}
