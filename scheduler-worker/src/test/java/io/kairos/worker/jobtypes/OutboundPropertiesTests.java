package io.kairos.worker.jobtypes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.jobtype.email.SmtpSettings;
import io.kairos.outbound.OutboundRefused;
import io.kairos.spring.EmailProperties;
import io.kairos.spring.OAuthProperties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The workers' outbound settings as the worker binds them. */
class OutboundPropertiesTests {

  static OAuthProperties oauth(boolean requireHttps, List<Integer> ports) {
    return new OAuthProperties(
        Duration.ofMinutes(5),
        Duration.ofHours(1),
        Duration.ofSeconds(10),
        requireHttps,
        List.of(),
        true,
        List.of(),
        ports);
  }

  @Test
  void requireHttpsIsPartOfThePolicyEveryTokenRequestIsSentUnder() throws Exception {
    assertThatThrownBy(() -> oauth(true, List.of()).policy().check(URI.create("http://idp/t")))
        .isInstanceOf(OutboundRefused.class)
        .hasMessage("must be an https URL");
    oauth(false, List.of()).policy().check(URI.create("http://127.0.0.1/t"));
    oauth(true, List.of(8443)).policy().check(URI.create("https://127.0.0.1:8443/t"));
    assertThatThrownBy(() -> oauth(true, List.of(0)))
        .hasMessageStartingWith("kairos.oauth.allowed-ports: '0' is not a port");
  }

  @Test
  void theDefaultSenderMustBeInTheAllowedSenderDomains() {
    assertThatThrownBy(() -> email("Kairos <kairos@elsewhere.org>", List.of("example.com")))
        .hasMessageContaining("kairos.email.from sender domain 'elsewhere.org' is not allowed");
    assertThat(email("kairos@example.com", List.of("example.com")).senderDomains().domains())
        .containsExactly("example.com");
    assertThatThrownBy(() -> email(null, List.of("not a domain")))
        .hasMessageStartingWith("kairos.email.allowed-sender-domains:");
  }

  static EmailProperties email(String from, List<String> domains) {
    return new EmailProperties(
        "smtp.example.com",
        587,
        SmtpSettings.Security.STARTTLS,
        null,
        null,
        from,
        null,
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        domains);
  }
}
