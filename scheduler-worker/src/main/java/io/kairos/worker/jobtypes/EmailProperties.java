package io.kairos.worker.jobtypes;

import io.kairos.jobtype.email.SmtpSettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
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
    @NotNull @DefaultValue("30s") Duration timeout) {

  public EmailProperties {
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
