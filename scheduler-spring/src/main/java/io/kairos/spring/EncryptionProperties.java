package io.kairos.spring;

import io.kairos.crypto.CipherSettings;
import io.kairos.crypto.SecretCipher;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kairos.encryption.*}, usually from the environment: {@code KAIROS_ENCRYPTION_KEY} (base64
 * of 32 random bytes, e.g. {@code openssl rand -base64 32}), {@code KAIROS_ENCRYPTION_KEY_ID}
 * (default {@code k1}) and, while rotating, {@code KAIROS_ENCRYPTION_RETIRED_KEYS} ({@code
 * id:base64} pairs separated by commas) to read secrets sealed with earlier keys. Without a key,
 * OAuth credentials can be neither stored nor refreshed.
 */
@ConfigurationProperties("kairos.encryption")
public record EncryptionProperties(
    String key, @DefaultValue("k1") String keyId, String retiredKeys) {

  public EncryptionProperties {
    key = key == null || key.isBlank() ? null : key.trim();
    retiredKeys = retiredKeys == null || retiredKeys.isBlank() ? null : retiredKeys.trim();
    cipher(key, keyId, retiredKeys);
  }

  /** The cipher, or null when no key is configured. */
  public SecretCipher cipher() {
    return cipher(key, keyId, retiredKeys);
  }

  private static SecretCipher cipher(String key, String keyId, String retiredKeys) {
    return CipherSettings.cipher(key, keyId, retiredKeys);
  }

  @Override
  public String toString() {
    return "EncryptionProperties[key id "
        + keyId
        + (key == null ? ", no key" : ", key hidden")
        + "]";
  }
}
