package io.kairos.jobtype.email;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.TransientJobFailure;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * Sends one message over SMTP (Jakarta Mail). Its Message-ID is derived from the occurrence id, so
 * every attempt of one occurrence — a retry, or a re-run after a worker died after sending —
 * carries the same Message-ID, and a receiving system can drop the duplicate.
 *
 * <p>Transient: connection refused or reset, timeouts, SMTP 4xx (retried by both tiers). Permanent:
 * SMTP 5xx (also a refused recipient: nothing is sent unless every recipient is accepted), invalid
 * addresses, TLS handshake failures.
 */
public final class EmailHandler implements JobHandler<EmailPayload> {

  private static final Pattern REPLY_CODE = Pattern.compile("^\\s*([2-5]\\d\\d)[ -]");

  private final SmtpSettings settings;
  private final Session session;
  private final Clock clock;

  /**
   * @param settings null when SMTP is not configured: then every e-mail job fails permanently
   */
  public EmailHandler(SmtpSettings settings, Clock clock) {
    this.settings = settings;
    this.session = settings == null ? null : Session.getInstance(settings.sessionProperties());
    this.clock = clock;
  }

  /** The Message-ID of an occurrence's message: {@code <kairos.<hash>@<domain>>}. */
  public static String messageId(String occurrenceId, String domain) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(occurrenceId.getBytes(StandardCharsets.UTF_8));
      return "<kairos." + HexFormat.of().formatHex(digest, 0, 20) + "@" + domain + ">";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void handle(EmailPayload payload, JobContext context) {
    if (settings == null) {
      throw new PermanentJobFailure("e-mail is not configured on this worker (kairos.email.host)");
    }
    String fromText = payload.from() != null ? payload.from() : settings.defaultFrom();
    if (fromText == null) {
      throw new PermanentJobFailure("the message has no 'from' and kairos.email.from is not set");
    }
    try {
      InternetAddress from = EmailPayload.address("from", fromText);
      String domain =
          settings.messageIdDomain() != null
              ? settings.messageIdDomain()
              : from.getAddress().substring(from.getAddress().lastIndexOf('@') + 1);
      MimeMessage message = new StableIdMessage(session, messageId(context.occurrenceId(), domain));
      message.setFrom(from);
      message.setRecipients(Message.RecipientType.TO, parse(payload.to()));
      if (!payload.cc().isEmpty()) {
        message.setRecipients(Message.RecipientType.CC, parse(payload.cc()));
      }
      if (!payload.bcc().isEmpty()) {
        message.setRecipients(Message.RecipientType.BCC, parse(payload.bcc()));
      }
      if (payload.replyTo() != null) {
        message.setReplyTo(
            new InternetAddress[] {EmailPayload.address("replyTo", payload.replyTo())});
      }
      message.setSubject(payload.subject(), "UTF-8");
      message.setSentDate(Date.from(clock.now()));
      setBody(message, payload);
      message.saveChanges();
      send(message, context);
    } catch (MessagingException e) {
      throw classify(e);
    }
  }

  private void send(MimeMessage message, JobContext context) throws MessagingException {
    // Asked to stop (a cancel, the job's timeout) before the message went out: it does not go.
    // SMTP calls do not answer interrupts; the SMTP timeouts bound them.
    context.throwIfCancelled();
    try (Transport transport = session.getTransport("smtp")) {
      transport.connect(settings.host(), settings.port(), settings.username(), settings.password());
      context.throwIfCancelled();
      transport.sendMessage(message, message.getAllRecipients());
      String response =
          transport instanceof SMTPTransport smtp ? smtp.getLastServerResponse() : null;
      context.report(
          "sent to "
              + message.getAllRecipients().length
              + " recipient(s) as "
              + message.getMessageID()
              + (response == null ? "" : "; server: " + response.strip()));
    }
  }

  private static void setBody(MimeMessage message, EmailPayload payload) throws MessagingException {
    boolean hasText = payload.text() != null && !payload.text().isEmpty();
    boolean hasHtml = payload.html() != null && !payload.html().isEmpty();
    if (hasText && hasHtml) {
      MimeMultipart alternative = new MimeMultipart("alternative");
      MimeBodyPart text = new MimeBodyPart();
      text.setText(payload.text(), "UTF-8");
      MimeBodyPart html = new MimeBodyPart();
      html.setText(payload.html(), "UTF-8", "html");
      alternative.addBodyPart(text);
      alternative.addBodyPart(html);
      message.setContent(alternative);
    } else if (hasHtml) {
      message.setText(payload.html(), "UTF-8", "html");
    } else {
      message.setText(payload.text(), "UTF-8");
    }
  }

  private static InternetAddress[] parse(List<String> addresses) {
    return addresses.stream()
        .map(a -> EmailPayload.address("address", a))
        .toArray(InternetAddress[]::new);
  }

  /** Transient, permanent, or (unknown) neither: left to the persisted tier alone. */
  static RuntimeException classify(MessagingException e) {
    Integer code = replyCode(e);
    String message = describe(e);
    if (code != null) {
      return code >= 400 && code < 500
          ? new TransientJobFailure("SMTP " + message, e)
          : new PermanentJobFailure("SMTP " + message, e);
    }
    for (Throwable t = e; t != null; t = next(t)) {
      if (t instanceof AddressException) {
        return new PermanentJobFailure(message, e);
      }
      if (t instanceof SSLHandshakeException) {
        return new PermanentJobFailure("TLS handshake with the SMTP server failed: " + message, e);
      }
      if (t instanceof MailConnectException || t instanceof IOException) {
        return new TransientJobFailure(message, e);
      }
    }
    if (e instanceof SendFailedException sendFailed
        && sendFailed.getInvalidAddresses() != null
        && sendFailed.getInvalidAddresses().length > 0) {
      return new PermanentJobFailure(message, e);
    }
    return new IllegalStateException(message, e);
  }

  /** The SMTP reply code the server gave, if the failure carries one. */
  private static Integer replyCode(MessagingException e) {
    for (Throwable t = e; t != null; t = next(t)) {
      if (t instanceof SMTPAddressFailedException f) {
        return f.getReturnCode();
      }
      if (t instanceof SMTPSenderFailedException f) {
        return f.getReturnCode();
      }
      if (t instanceof SMTPSendFailedException f) {
        return f.getReturnCode();
      }
      if (t instanceof AuthenticationFailedException && t.getMessage() != null) {
        Matcher m = REPLY_CODE.matcher(t.getMessage());
        return m.find() ? Integer.valueOf(m.group(1)) : 535;
      }
    }
    return null;
  }

  private static Throwable next(Throwable t) {
    if (t instanceof MessagingException m && m.getNextException() != null) {
      return m.getNextException();
    }
    return t.getCause() == t ? null : t.getCause();
  }

  private static String describe(MessagingException e) {
    // The innermost SMTP reply says most; Jakarta Mail's outer messages are generic.
    Throwable deepest = e;
    for (Throwable t = e; t != null; t = next(t)) {
      if (t.getMessage() != null) {
        deepest = t;
      }
      if (t instanceof SMTPAddressFailedException
          || t instanceof SMTPSenderFailedException
          || t instanceof SMTPSendFailedException) {
        return t.getMessage().strip();
      }
    }
    String text = deepest.getMessage();
    return deepest.getClass().getSimpleName() + (text == null ? "" : ": " + text.strip());
  }

  /** A message whose Message-ID is ours, not a random one Jakarta Mail makes on saveChanges(). */
  private static final class StableIdMessage extends MimeMessage {
    private final String id;

    StableIdMessage(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }
}
