package io.kairos.jobtype.email;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.Properties;

/**
 * How workers reach their SMTP server. {@code security}: {@code NONE} (plain, port 25 or a local
 * relay), {@code STARTTLS} (upgrade required, usually port 587) or {@code TLS} (implicit TLS,
 * usually port 465); with TLS of either kind the server's certificate and host name are checked.
 *
 * @param defaultFrom the sender of messages whose payload names none (optional)
 * @param messageIdDomain the right-hand side of generated Message-IDs (default: the sender's
 *     domain)
 */
public record SmtpSettings(
    String host,
    int port,
    Security security,
    String username,
    String password,
    Duration connectTimeout,
    Duration timeout,
    String defaultFrom,
    String messageIdDomain) {

  public enum Security {
    NONE,
    STARTTLS,
    TLS
  }

  public SmtpSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is required");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535");
    }
    security = security == null ? Security.STARTTLS : security;
    username = username == null || username.isBlank() ? null : username;
    password = password == null || password.isEmpty() ? null : password;
    if (password != null && username == null) {
      throw new IllegalArgumentException("a password needs a username");
    }
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connect-timeout must be positive");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    if (defaultFrom != null && !defaultFrom.isBlank()) {
      try {
        new InternetAddress(defaultFrom, true).validate();
      } catch (AddressException e) {
        throw new IllegalArgumentException("from is not an e-mail address: " + e.getMessage());
      }
    } else {
      defaultFrom = null;
    }
    messageIdDomain =
        messageIdDomain == null || messageIdDomain.isBlank() ? null : messageIdDomain.trim();
  }

  /** Plain SMTP without authentication (a local relay, or a test server). */
  public static SmtpSettings plain(String host, int port, String defaultFrom) {
    return new SmtpSettings(host, port, Security.NONE, null, null, null, null, defaultFrom, null);
  }

  /** Jakarta Mail session properties for these settings (no secrets among them). */
  Properties sessionProperties() {
    Properties p = new Properties();
    p.put("mail.transport.protocol", "smtp");
    p.put("mail.smtp.host", host);
    p.put("mail.smtp.port", Integer.toString(port));
    p.put("mail.smtp.connectiontimeout", Long.toString(connectTimeout.toMillis()));
    p.put("mail.smtp.timeout", Long.toString(timeout.toMillis()));
    p.put("mail.smtp.writetimeout", Long.toString(timeout.toMillis()));
    p.put("mail.smtp.auth", Boolean.toString(username != null));
    // All recipients or none: a partly delivered message could not be retried without duplicates.
    p.put("mail.smtp.sendpartial", "false");
    switch (security) {
      case STARTTLS -> {
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.checkserveridentity", "true");
      }
      case TLS -> {
        p.put("mail.smtp.ssl.enable", "true");
        p.put("mail.smtp.ssl.checkserveridentity", "true");
      }
      case NONE -> {}
    }
    return p;
  }

  @Override
  public String toString() {
    return "SmtpSettings["
        + host
        + ":"
        + port
        + ", "
        + security
        + (username == null ? "" : ", user " + username + ", password hidden")
        + "]";
  }
}
