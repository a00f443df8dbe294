package io.kairos.schedule;

import io.kairos.job.InvalidJobException;

/** A schedule that can never run; {@link #field()} names the offending JSON field. */
public class InvalidScheduleException extends InvalidJobException {

  public InvalidScheduleException(String field, String message) {
    super(field, message);
  }
}
