package io.kairos.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every form an echo may give a secret back in is blanked out. */
class SecretFormsTests {

  static final String SECRET = "s3cr3t/with+signs é";

  @Test
  void aSecretInsideALongerBase64TextIsFoundAtEveryOffset() {
    for (String prefix : List.of("", "a", "ab", "abc", "Basic user:")) {
      for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
        String encoded =
            encoder.encodeToString((prefix + SECRET + "!").getBytes(StandardCharsets.UTF_8));
        String redacted = SecretForms.redact("x " + encoded + " y", List.of(SECRET), 8);
        assertThat(redacted).as(prefix).contains(SecretForms.REDACTED);
        // At most a few characters at either end of the secret's run are left.
        assertThat(redacted.length()).isLessThan(("x " + encoded + " y").length());
      }
    }
  }

  @Test
  void escapedEncodedAndHexFormsAreBlankedOut() {
    String text =
        "json \"s3cr3t\\/with+signs \\u00e9\" url s3cr3t%2Fwith%2Bsigns+%C3%A9 url2"
            + " s3cr3t%2fwith%2bsigns%20%c3%a9 hex "
            + HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8))
            + " html s3cr3t/with+signs é";
    assertThat(SecretForms.redact(text, List.of(SECRET), 8))
        .isEqualTo(
            "json \"[redacted]\" url [redacted] url2 [redacted] hex [redacted] html [redacted]");
    assertThat(SecretForms.redact("short abc", List.of("abc"), 8)).isEqualTo("short abc");
  }
}
