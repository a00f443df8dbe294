package io.kairos.job.log;

import io.kairos.job.PayloadRules;

/** {@code {"message": "..."}}: the line to log. */
public record LogPayload(String message) {

  public LogPayload {
    PayloadRules.requireText("message", message, 4000);
  }
}
