package io.kairos.api.problem;

import io.kairos.control.PayloadText;
import io.kairos.job.InvalidJobException;

/**
 * What text the API accepts. No string anywhere may hold a control character (U+0000–U+001F,
 * U+007F–U+009F), with one exception: text values inside a job's payload may hold tab, line feed
 * and carriage return (core's translation of every request checks payloads, {@code JobRequests}).
 * NUL is never accepted: PostgreSQL cannot store it in text.
 */
public final class InputText {

  /** Why a string with a lone surrogate is refused. */
  public static final String LONE_SURROGATE = PayloadText.LONE_SURROGATE;

  private InputText() {}

  /** The index of the first refused character in {@code text}, or -1 (as payloads are checked). */
  public static int controlCharacterIn(String text, boolean allowLineBreaks) {
    return PayloadText.controlCharacterIn(text, allowLineBreaks);
  }

  /** The index of the first lone surrogate in {@code text}, or -1 (as payloads are checked). */
  public static int loneSurrogateIn(String text) {
    return PayloadText.loneSurrogateIn(text);
  }

  /** Refuses a string with a control character, naming {@code field}. */
  public static void check(String field, String value) {
    if (value != null && controlCharacterIn(value, false) >= 0) {
      throw new InvalidJobException(field, "must not contain control characters");
    }
    if (value != null && loneSurrogateIn(value) >= 0) {
      throw new InvalidJobException(field, LONE_SURROGATE);
    }
  }
}
