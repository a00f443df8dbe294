package io.kairos.job;

/**
 * A job definition that Kairos refuses: an unknown type, a payload not matching its type, a bad
 * schedule. {@link #field()} is the JSON path of the offending field, so the API can name it.
 */
public class InvalidJobException extends IllegalArgumentException {

  private final String field;

  public InvalidJobException(String field, String message) {
    super(field + " " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }

  /** The message without the field name in front. */
  public String reason() {
    return getMessage().substring(field.length() + 1);
  }
}
