package io.kairos.job;

/**
 * Text from outside (a payload's message, a receiver's answer, a handler's error) made safe for one
 * log line: line breaks of every kind and other control characters are written as escapes ({@code
 * \r}, {@code \n}, {@code \}{@code u2028}, …), so the text cannot forge a line, move the cursor of
 * a terminal, or start a new record in a viewer that splits on U+2028 and U+2029.
 */
public final class LogText {

  private LogText() {}

  public static String oneLine(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String escape = escape(c);
      if (escape != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (escape != null) {
          out.append(escape);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  private static String escape(char c) {
    if (c == '\r') {
      return "\\r";
    }
    if (c == '\n') {
      return "\\n";
    }
    if (c == '\t') {
      return null;
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
      return String.format("\\u%04x", (int) c);
    }
    return null;
  }
}
