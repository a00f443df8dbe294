package io.kairos.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.job.InvalidJobException;
import java.util.Iterator;
import java.util.Map;

/**
 * What text a payload may hold: no control character (U+0000–U+001F, U+007F–U+009F) in a key, and
 * none but tab, line feed and carriage return in a text value, which e-mail bodies, webhook bodies
 * and multi-line messages need (whoever writes them out escapes them: the {@code log} type writes
 * {@code \n}, not a new line). NUL is never accepted: PostgreSQL cannot store it in text.
 */
public final class PayloadText {

  private PayloadText() {}

  /** Refuses such a payload, naming the first such field ({@code payload.a.b[2]}). */
  static void check(String path, JsonNode node) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      if (controlCharacterIn(node.textValue(), true) >= 0) {
        throw new InvalidJobException(
            path, "must not contain control characters other than tab and line breaks");
      }
      if (loneSurrogateIn(node.textValue()) >= 0) {
        throw new InvalidJobException(path, LONE_SURROGATE);
      }
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (controlCharacterIn(field.getKey(), false) >= 0
            || loneSurrogateIn(field.getKey()) >= 0) {
          throw new InvalidJobException(path, "has a key with control characters");
        }
        check(path + "." + field.getKey(), field.getValue());
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        check(path + "[" + i + "]", node.get(i));
      }
    }
  }

  /** Why a string with a lone surrogate is refused. */
  public static final String LONE_SURROGATE =
      "must not contain a lone surrogate (half of a UTF-16 pair, such as \\ud800 alone)";

  /**
   * The index of the first lone surrogate in {@code text} (half of a character that is not there:
   * JSON's {@code \}{@code ud800} alone), or -1. It cannot be stored as UTF-8; PostgreSQL's driver
   * would write it as {@code ?}.
   */
  public static int loneSurrogateIn(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The index of the first control character in {@code text} (tab, line feed and carriage return
   * allowed if {@code allowLineBreaks}), or -1.
   */
  public static int controlCharacterIn(String text, boolean allowLineBreaks) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (allowLineBreaks && (c == '\t' || c == '\n' || c == '\r')) {
        continue;
      }
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        return i;
      }
    }
    return -1;
  }
}
