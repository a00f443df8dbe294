package io.kairos.outbound;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Blanks out secrets a request carried (header values, query values, an access token) from what a
 * receiver answered, in every form an echo may give them back in: as sent, JSON-escaped (a quote,
 * backslash, tab or non-ASCII character in the value comes back escaped, non-ASCII also as {@code
 * \}{@code uXXXX}), URL-encoded, HTML-escaped, hex, and base64 (standard or URL alphabet, alone or
 * inside a longer base64 text at any alignment, as in {@code Basic} credentials). History, dead
 * jobs and notifications are readable with {@code jobs:read}; the answer is kept only so.
 */
public final class SecretForms {

  public static final String REDACTED = "[redacted]";

  /** A base64 run shorter than this says too little to be worth blanking out on its own. */
  private static final int MIN_BASE64_CORE = 8;

  private SecretForms() {}

  /**
   * {@code text} with every form of each secret at least {@code minLength} characters long (as
   * given, surrounding blanks stripped) replaced by {@value #REDACTED}, longest forms first.
   */
  public static String redact(String text, Collection<String> secrets, int minLength) {
    if (text == null || text.isEmpty() || secrets.isEmpty()) {
      return text;
    }
    Set<String> forms =
        new TreeSet<>(
            Comparator.comparingInt(String::length)
                .reversed()
                .thenComparing(Comparator.naturalOrder()));
    for (String secret : secrets) {
      if (secret == null) {
        continue;
      }
      String value = secret.strip();
      if (value.length() >= Math.max(1, minLength)) {
        forms.addAll(formsOf(value));
        if (value.indexOf('\t') >= 0) {
          // HTTP lets a tab in a header value arrive as a space.
          forms.addAll(formsOf(value.replace('\t', ' ')));
        }
      }
    }
    String redacted = text;
    for (String form : forms) {
      if (!form.isEmpty()) {
        redacted = redacted.replace(form, REDACTED);
      }
    }
    return redacted;
  }

  /** The forms a receiver may echo {@code value} in. */
  static Set<String> formsOf(String value) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(value);
    String json = new String(JsonStringEncoder.getInstance().quoteAsString(value));
    forms.add(json);
    forms.add(json.replace("/", "\\/"));
    String asciiJson = asciiOnly(json, "\\u%04x");
    forms.add(asciiJson);
    forms.add(asciiJson.replace("/", "\\/"));
    forms.add(asciiOnly(json, "\\u%04X"));
    String url = URLEncoder.encode(value, StandardCharsets.UTF_8);
    forms.add(url);
    forms.add(url.replace("+", "%20"));
    forms.add(lowerHexEscapes(url));
    forms.add(lowerHexEscapes(url.replace("+", "%20")));
    forms.add(
        value
            .replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\"", "&quot;")
            .replace("'", "&#39;"));
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    forms.add(HexFormat.of().formatHex(bytes));
    forms.add(HexFormat.of().withUpperCase().formatHex(bytes));
    for (Base64.Encoder encoder :
        new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
      String whole = encoder.encodeToString(bytes);
      forms.add(whole);
      forms.add(stripPadding(whole));
      // Inside a longer base64 text the value starts at any of three offsets; the characters that
      // carry only its bits are the same whatever surrounds it.
      for (int offset = 0; offset < 3; offset++) {
        byte[] shifted = new byte[offset + bytes.length];
        System.arraycopy(bytes, 0, shifted, offset, bytes.length);
        String encoded = stripPadding(encoder.encodeToString(shifted));
        int from = (offset * 8 + 5) / 6;
        int to = ((offset + bytes.length) * 8) / 6;
        if (to - from >= MIN_BASE64_CORE) {
          forms.add(encoded.substring(from, to));
        }
      }
    }
    return forms;
  }

  private static String stripPadding(String base64) {
    int end = base64.length();
    while (end > 0 && base64.charAt(end - 1) == '=') {
      end--;
    }
    return base64.substring(0, end);
  }

  private static String asciiOnly(String text, String escape) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        out.append(c);
      } else {
        out.append(String.format(escape, (int) c));
      }
    }
    return out.toString();
  }

  private static String lowerHexEscapes(String urlEncoded) {
    StringBuilder out = new StringBuilder(urlEncoded.length());
    for (int i = 0; i < urlEncoded.length(); i++) {
      char c = urlEncoded.charAt(i);
      out.append(c);
      if (c == '%' && i + 2 < urlEncoded.length()) {
        out.append(Character.toLowerCase(urlEncoded.charAt(i + 1)));
        out.append(Character.toLowerCase(urlEncoded.charAt(i + 2)));
        i += 2;
      }
    }
    return out.toString();
  }
}
