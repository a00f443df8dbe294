package io.kairos.crypto;

import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES-256 key with the id it is known by. The id is stored next to everything sealed with the
 * key, so keys can rotate: new secrets are sealed with the current key, old ones stay readable
 * while their key is configured as retired.
 */
public final class EncryptionKey {

  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  private final String id;
  private final SecretKey key;

  private EncryptionKey(String id, byte[] key) {
    this.id = id;
    this.key = new SecretKeySpec(key, "AES");
  }

  /**
   * @param base64 the base64 of 32 random bytes (e.g. {@code openssl rand -base64 32})
   * @throws IllegalArgumentException saying what is wrong, never showing the key
   */
  public static EncryptionKey of(String id, String base64) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("key id must match " + ID.pattern());
    }
    Objects.requireNonNull(base64, "key");
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key '" + id + "' is not valid base64");
    }
    if (bytes.length != 32) {
      throw new IllegalArgumentException(
          "key '" + id + "' must be 32 bytes (base64 of 32 random bytes), not " + bytes.length);
    }
    return new EncryptionKey(id, bytes);
  }

  public String id() {
    return id;
  }

  SecretKey secretKey() {
    return key;
  }

  @Override
  public String toString() {
    return "EncryptionKey[" + id + "]";
  }
}
