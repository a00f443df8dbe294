package io.kairos.spring;

import io.kairos.jobtype.email.SmtpSettings;
import io.kairos.outbound.OutboundRefused;
import io.kairos.outbound.SenderDomains;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kairos.email.*}: the SMTP server e-mail jobs are sent through. Kairos's own keys rather
 * than {@code spring.mail.*}, because Kairos uses Jakarta Mail directly (it needs the SMTP reply
 * codes to tell transient from permanent faults) and must not pull in Spring's mail
 * auto-configuration. Without {@code host}, e-mail jobs fail permanently, naming this property.
 *
 * @param security NONE, STARTTLS (default) or TLS
 * @param from sender of messages that name none
 * @param messageIdDomain right-hand side of Message-IDs (default: the sender's domain)
 * @param allowedSenderDomains the only domains a message may be sent from (empty: any); a job whose
 *     {@code from} is elsewhere fails permanently
 */
@Validated
@ConfigurationProperties("kairos.email")
public record EmailProperties(
    String host,
    @Min(1) @Max(65535) @DefaultValue("587") int port,
    @NotNull @DefaultValue("STARTTLS") SmtpSettings.Security security,
    String username,
    String password,
    String from,
    String messageIdDomain,
    @NotNull @DefaultValue("10s") Duration connectTimeout,
    @NotNull @DefaultValue("30s") Duration timeout,
    List<String> allowedSenderDomains) {

  public EmailProperties {
    allowedSenderDomains =
        allowedSenderDomains == null ? List.of() : List.copyOf(allowedSenderDomains);
    SenderDomains senders;
    try {
      senders = new SenderDomains(allowedSenderDomains);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "kairos.email.allowed-sender-domains: " + e.getMessage(), e);
    }
    if (from != null && !from.isBlank()) {
      try {
        senders.check(from);
      } catch (OutboundRefused e) {
        throw new IllegalArgumentException(
            "kairos.email.from " + e.getMessage() + " by kairos.email.allowed-sender-domains");
      }
    }
    if (host != null && !host.isBlank()) {
      try {
        new SmtpSettings(
            host,
            port,
            security,
            username,
            password,
            connectTimeout,
            timeout,
            from,
            messageIdDomain);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("kairos.email: " + e.getMessage(), e);
      }
    }
  }

  /** Where messages may be sent from. */
  public SenderDomains senderDomains() {
    return new SenderDomains(allowedSenderDomains);
  }

  /** The settings, or null when no host is configured. */
  public SmtpSettings settings() {
    if (host == null || host.isBlank()) {
      return null;
    }
    return new SmtpSettings(
        host, port, security, username, password, connectTimeout, timeout, from, messageIdDomain);
  }

  @Override
  public String toString() {
    return settings() == null ? "EmailProperties[not configured]" : settings().toString();
  }
}
