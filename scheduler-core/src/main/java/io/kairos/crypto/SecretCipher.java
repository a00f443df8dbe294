package io.kairos.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals secrets for storage with AES-256-GCM: {@code v1:<key id>:<base64(nonce ‖ ciphertext ‖
 * tag)>}, a fresh 96-bit random nonce each time. The {@code context} (e.g. the row and column a
 * secret belongs to) is bound in as associated data, so a sealed value copied to another row or
 * column does not open.
 */
public final class SecretCipher {

  private static final String VERSION = "v1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final EncryptionKey current;
  private final Map<String, EncryptionKey> keys;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param current seals new secrets
   * @param retired only open secrets sealed before a rotation
   */
  public SecretCipher(EncryptionKey current, List<EncryptionKey> retired) {
    this.current = Objects.requireNonNull(current, "current");
    Map<String, EncryptionKey> all = new LinkedHashMap<>();
    all.put(current.id(), current);
    for (EncryptionKey key : retired == null ? List.<EncryptionKey>of() : retired) {
      if (all.putIfAbsent(key.id(), key) != null) {
        throw new IllegalArgumentException("key id '" + key.id() + "' is configured twice");
      }
    }
    this.keys = Map.copyOf(all);
  }

  public String currentKeyId() {
    return current.id();
  }

  public String seal(String plaintext, String context) {
    Objects.requireNonNull(plaintext, "plaintext");
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, current.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(current.id(), context));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
      return VERSION + ":" + current.id() + ":" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * @throws SecretUnreadable if the key is not configured, or the value was altered or belongs to
   *     another context
   */
  public String open(String sealed, String context) {
    Objects.requireNonNull(sealed, "sealed");
    String[] parts = sealed.split(":", 3);
    if (parts.length != 3 || !parts[0].equals(VERSION)) {
      throw new SecretUnreadable("not a sealed secret");
    }
    EncryptionKey key = keys.get(parts[1]);
    if (key == null) {
      throw new SecretUnreadable(
          "sealed with key '"
              + parts[1]
              + "', which is not configured (add it to the retired keys to read it)");
    }
    try {
      byte[] in = Base64.getDecoder().decode(parts[2]);
      if (in.length < NONCE_BYTES + TAG_BITS / 8) {
        throw new SecretUnreadable("sealed secret is truncated");
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      cipher.updateAAD(aad(key.id(), context));
      byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new SecretUnreadable("sealed secret was altered or belongs elsewhere");
    } catch (IllegalArgumentException e) {
      throw new SecretUnreadable("sealed secret is not valid base64");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Whether a sealed value was sealed with the current key (false: re-seal it when rotating). */
  public boolean isCurrent(String sealed) {
    return sealed != null && sealed.startsWith(VERSION + ":" + current.id() + ":");
  }

  private static byte[] aad(String keyId, String context) {
    return (VERSION + ":" + keyId + ":" + (context == null ? "" : context))
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SecretCipher[current " + current.id() + ", keys " + keys.keySet() + "]";
  }

  /** A sealed secret that cannot be opened; the message never contains secret material. */
  public static final class SecretUnreadable extends RuntimeException {
    public SecretUnreadable(String message) {
      super(message);
    }
  }
}
