package io.kairos.jobtype.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignerTests {

  @Test
  void signaturesMatchTheStandardWebhooksTestVector() {
    WebhookSigner signer = WebhookSigner.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

    String signature =
        signer.sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));

    assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void aSecretThatIsNotWhsecBase64OfEnoughBytesIsRefusedWithoutBeingShown() {
    assertThatThrownBy(() -> WebhookSigner.of("hunter2-hunter2-hunter2-hunter2"))
        .hasMessage("must start with 'whsec_' followed by base64");
    assertThatThrownBy(() -> WebhookSigner.of("whsec_c2hvcnQ="))
        .hasMessageContaining("24 to 64 bytes")
        .hasMessageNotContaining("c2hvcnQ");
    assertThat(WebhookSigner.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").toString())
        .doesNotContain("MfKQ");
  }
}
