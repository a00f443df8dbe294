package io.kairos.catalogue;

/**
 * A caller that is neither an admin nor one of a credential's {@code allowedKeys} asked for a job
 * using it (a webhook sending its token, a refresh job of it). Nothing was created.
 */
public final class CredentialNotAllowed extends RuntimeException {

  private final String field;

  public CredentialNotAllowed(String field, String credentialId, String caller) {
    super(
        "OAuth credential '"
            + credentialId
            + "' may be used only by admin keys and the keys its admin named (allowedKeys), not by '"
            + caller
            + "'");
    this.field = field;
  }

  /** The payload field that names the credential. */
  public String field() {
    return field;
  }
}
