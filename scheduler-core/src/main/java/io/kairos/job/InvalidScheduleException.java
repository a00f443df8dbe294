package io.kairos.job;

/** A schedule that can never run; {@link #field()} names the offending JSON field. */
public class InvalidScheduleException extends InvalidJobException {

  public InvalidScheduleException(String field, String message) {
    super(field, message);
  }
}
