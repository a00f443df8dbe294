package io.kairos.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretCipherTests {

  static final EncryptionKey K1 =
      EncryptionKey.of("k1", Base64.getEncoder().encodeToString(new byte[32]));
  static final EncryptionKey K2 =
      EncryptionKey.of("k2", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=");

  @Test
  void aSealedSecretOpensOnlyWithItsKeyAndInItsContext() {
    SecretCipher cipher = new SecretCipher(K1, List.of());
    String sealed = cipher.seal("refresh-token-123", "credential:a:refresh_token");

    assertThat(sealed).startsWith("v1:k1:").doesNotContain("refresh-token-123");
    assertThat(cipher.open(sealed, "credential:a:refresh_token")).isEqualTo("refresh-token-123");
    assertThat(cipher.seal("refresh-token-123", "credential:a:refresh_token"))
        .as("a fresh nonce each time")
        .isNotEqualTo(sealed);
    assertThatThrownBy(() -> cipher.open(sealed, "credential:b:refresh_token"))
        .isInstanceOf(SecretCipher.SecretUnreadable.class)
        .hasMessage("sealed secret was altered or belongs elsewhere");
    String altered = sealed.substring(0, sealed.length() - 4) + "AAA=";
    assertThatThrownBy(() -> cipher.open(altered, "credential:a:refresh_token"))
        .isInstanceOf(SecretCipher.SecretUnreadable.class);
  }

  @Test
  void afterARotationOldSecretsOpenWithTheRetiredKeyAndNewOnesUseTheNewKey() {
    String old = new SecretCipher(K1, List.of()).seal("s", "ctx");
    SecretCipher rotated = new SecretCipher(K2, List.of(K1));

    assertThat(rotated.open(old, "ctx")).isEqualTo("s");
    assertThat(rotated.isCurrent(old)).isFalse();
    assertThat(rotated.seal("s", "ctx")).startsWith("v1:k2:");
    assertThatThrownBy(() -> new SecretCipher(K2, List.of()).open(old, "ctx"))
        .hasMessageContaining("key 'k1', which is not configured");
  }

  @Test
  void keysMustBe32BytesOfBase64AndAreNeverShown() {
    assertThatThrownBy(() -> EncryptionKey.of("k1", "c2hvcnQ="))
        .hasMessageContaining("must be 32 bytes")
        .hasMessageNotContaining("c2hvcnQ");
    assertThatThrownBy(() -> EncryptionKey.of("bad id", "c2hvcnQ=")).hasMessageContaining("key id");
    assertThat(K2.toString()).isEqualTo("EncryptionKey[k2]");
  }
}
