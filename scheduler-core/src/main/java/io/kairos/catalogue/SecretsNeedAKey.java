package io.kairos.catalogue;

/**
 * A payload has secret fields and there is no encryption key to seal them with; nothing was stored.
 * The message names the setting, never a value.
 */
public final class SecretsNeedAKey extends IllegalStateException {

  public SecretsNeedAKey(String type) {
    super(
        "'"
            + type
            + "' payloads carry secrets, which are stored sealed, and there is no encryption key:"
            + " set KAIROS_ENCRYPTION_KEY (kairos.encryption.key, base64 of 32 random bytes) on"
            + " the API and every worker");
  }
}
