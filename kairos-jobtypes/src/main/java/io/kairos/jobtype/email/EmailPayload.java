package io.kairos.jobtype.email;

import io.kairos.job.InvalidJobException;
import io.kairos.job.PayloadRules;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.List;

/**
 * One e-mail: {@code {"to": ["a@example.com"], "cc"?, "bcc"?, "from"?, "replyTo"?, "subject",
 * "text"?, "html"?}}. Addresses may carry a display name ({@code "Ann <ann@example.com>"}). At
 * least one of text and html; with both, the message is multipart/alternative. {@code from}
 * defaults to {@code kairos.email.from}.
 */
public record EmailPayload(
    List<String> to,
    List<String> cc,
    List<String> bcc,
    String from,
    String replyTo,
    String subject,
    String text,
    String html) {

  static final int MAX_RECIPIENTS = 100;
  static final int MAX_SUBJECT = 998;
  static final int MAX_BODY = 512 * 1024;

  public EmailPayload {
    if (to == null || to.isEmpty()) {
      throw new InvalidJobException("to", "needs at least one address");
    }
    to = addresses("to", to);
    cc = cc == null ? List.of() : addresses("cc", cc);
    bcc = bcc == null ? List.of() : addresses("bcc", bcc);
    if (to.size() + cc.size() + bcc.size() > MAX_RECIPIENTS) {
      throw new InvalidJobException("to", "more than " + MAX_RECIPIENTS + " recipients in all");
    }
    if (from != null) {
      address("from", from);
    }
    if (replyTo != null) {
      address("replyTo", replyTo);
    }
    PayloadRules.requireText("subject", subject, MAX_SUBJECT);
    if (subject.chars().anyMatch(c -> c == '\r' || c == '\n')) {
      throw new InvalidJobException("subject", "must be one line");
    }
    if ((text == null || text.isEmpty()) && (html == null || html.isEmpty())) {
      throw new InvalidJobException("text", "give a text or an html body (or both)");
    }
    if (text != null && text.length() > MAX_BODY) {
      throw new InvalidJobException("text", "is longer than " + MAX_BODY + " characters");
    }
    if (html != null && html.length() > MAX_BODY) {
      throw new InvalidJobException("html", "is longer than " + MAX_BODY + " characters");
    }
  }

  private static List<String> addresses(String field, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      address(field + "[" + i + "]", values.get(i));
    }
    return List.copyOf(values);
  }

  static InternetAddress address(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidJobException(field, "is required");
    }
    try {
      InternetAddress[] parsed = InternetAddress.parse(value, true);
      if (parsed.length != 1) {
        throw new InvalidJobException(field, "must be exactly one address");
      }
      InternetAddress address = parsed[0];
      address.validate();
      String email = address.getAddress();
      int at = email.lastIndexOf('@');
      if (at < 1 || at == email.length() - 1 || !email.substring(at + 1).contains(".")) {
        throw new InvalidJobException(field, "'" + value + "' is not an e-mail address");
      }
      return address;
    } catch (AddressException e) {
      throw new InvalidJobException(field, "'" + value + "' is not an e-mail address");
    }
  }

  @Override
  public String toString() {
    // Addresses and bodies are personal data: not for logs.
    return "EmailPayload[" + (to.size() + cc.size() + bcc.size()) + " recipients]";
  }
}
