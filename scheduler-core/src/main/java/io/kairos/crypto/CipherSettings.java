package io.kairos.crypto;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link SecretCipher} from {@code kairos.encryption.*} as given to the worker and the
 * API alike: {@code key} (base64 of 32 bytes, {@code KAIROS_ENCRYPTION_KEY}), {@code keyId}
 * (default {@code k1}) and {@code retiredKeys} ({@code id:base64} pairs separated by commas or
 * spaces). Errors name the property and never echo a key.
 */
public final class CipherSettings {

  private CipherSettings() {}

  /** The cipher, or null when no key is configured (blank counts as none). */
  public static SecretCipher cipher(String key, String keyId, String retiredKeys) {
    key = key == null || key.isBlank() ? null : key.trim();
    retiredKeys = retiredKeys == null || retiredKeys.isBlank() ? null : retiredKeys.trim();
    if (key == null) {
      if (retiredKeys != null) {
        throw new IllegalArgumentException(
            "kairos.encryption.retired-keys needs a current kairos.encryption.key");
      }
      return null;
    }
    EncryptionKey current;
    try {
      current = EncryptionKey.of(keyId == null ? "k1" : keyId, key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "kairos.encryption.key (KAIROS_ENCRYPTION_KEY): " + e.getMessage());
    }
    List<EncryptionKey> retired = new ArrayList<>();
    if (retiredKeys != null) {
      for (String entry : retiredKeys.split("[,\\s]+")) {
        int colon = entry.indexOf(':');
        if (colon < 1) {
          throw new IllegalArgumentException(
              "kairos.encryption.retired-keys: entries must be id:base64");
        }
        try {
          retired.add(EncryptionKey.of(entry.substring(0, colon), entry.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("kairos.encryption.retired-keys: " + e.getMessage());
        }
      }
    }
    try {
      return new SecretCipher(current, retired);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("kairos.encryption: " + e.getMessage());
    }
  }
}
