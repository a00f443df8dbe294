package io.kairos.jobtype.log;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.kairos.job.PayloadRules;

/** {@code {"message": "..."}}: the line to log. */
public record LogPayload(
    @JsonProperty(required = true)
        @JsonPropertyDescription("the line to log: not blank, at most 4000 characters")
        String message) {

  public LogPayload {
    PayloadRules.requireText("message", message, 4000);
  }
}
