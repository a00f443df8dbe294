package io.kairos.outbound;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.IDN;
import java.util.List;
import java.util.Locale;

/**
 * The domains e-mail may be sent from ({@code kairos.email.allowed-sender-domains}): a job must not
 * send in the name of any domain the SMTP server happens to relay for. Empty means any. A domain
 * matches exactly, case-insensitively ({@code example.com} does not allow {@code mail.example.com};
 * list both).
 */
public record SenderDomains(List<String> domains) {

  /** Any sender. */
  public static final SenderDomains ANY = new SenderDomains(List.of());

  public SenderDomains {
    domains =
        domains == null
            ? List.of()
            : domains.stream().map(SenderDomains::normaliseEntry).distinct().toList();
  }

  private static String normaliseEntry(String entry) {
    if (entry == null || entry.isBlank()) {
      throw new IllegalArgumentException("a sender domain must not be blank");
    }
    String d = entry.trim();
    if (d.contains("@") || d.contains("*") || d.contains("/") || d.contains(" ")) {
      throw new IllegalArgumentException("'" + entry + "' is not a domain name");
    }
    try {
      return IDN.toASCII(d, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + entry + "' is not a domain name");
    }
  }

  public boolean any() {
    return domains.isEmpty();
  }

  /**
   * Checks a sender address ({@code "Ann <ann@example.com>"} or {@code ann@example.com}); null (the
   * configured default sender) passes.
   *
   * @throws OutboundRefused naming the domain when it is not allowed
   */
  public void check(String from) throws OutboundRefused {
    if (from == null || domains.isEmpty()) {
      return;
    }
    String domain;
    try {
      String address = new InternetAddress(from, true).getAddress();
      int at = address == null ? -1 : address.lastIndexOf('@');
      if (at < 0) {
        throw new OutboundRefused("is not an e-mail address");
      }
      domain = IDN.toASCII(address.substring(at + 1)).toLowerCase(Locale.ROOT);
    } catch (AddressException | IllegalArgumentException e) {
      throw new OutboundRefused("is not an e-mail address");
    }
    if (!domains.contains(domain)) {
      throw new OutboundRefused(
          "sender domain '"
              + domain
              + "' is not allowed (allowed: "
              + String.join(", ", domains)
              + ")");
    }
  }
}
