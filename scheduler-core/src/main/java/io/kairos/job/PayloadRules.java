package io.kairos.job;

/** Checks for payload records' compact constructors; each failure names the field. */
public final class PayloadRules {

  private PayloadRules() {}

  public static String requireText(String field, String value, int maxLength) {
    if (value == null || value.isBlank()) {
      throw new InvalidJobException(field, "is required");
    }
    if (value.length() > maxLength) {
      throw new InvalidJobException(field, "is longer than " + maxLength + " characters");
    }
    return value;
  }
}
