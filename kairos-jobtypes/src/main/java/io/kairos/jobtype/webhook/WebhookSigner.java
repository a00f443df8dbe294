package io.kairos.jobtype.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook requests as the Standard Webhooks specification says: {@code webhook-signature:
 * v1,<base64 HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>">}, keyed with the secret
 * {@code whsec_<base64>} (its decoded bytes). Receivers verify with any Standard Webhooks library
 * and the same secret.
 */
public final class WebhookSigner {

  public static final String PREFIX = "whsec_";
  private final SecretKeySpec key;

  private WebhookSigner(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /**
   * @param secret {@code whsec_} followed by the base64 of 24 to 64 random bytes
   * @throws IllegalArgumentException saying what is wrong, never showing the secret
   */
  public static WebhookSigner of(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (!secret.startsWith(PREFIX)) {
      throw new IllegalArgumentException("must start with 'whsec_' followed by base64");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(secret.substring(PREFIX.length()).trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not valid base64 after 'whsec_'");
    }
    if (key.length < 24 || key.length > 64) {
      throw new IllegalArgumentException(
          "must hold 24 to 64 bytes after 'whsec_' (it holds " + key.length + ")");
    }
    return new WebhookSigner(key);
  }

  /** The {@code webhook-signature} header value for one message. */
  public String sign(String messageId, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookSigner[secret hidden]";
  }
}
