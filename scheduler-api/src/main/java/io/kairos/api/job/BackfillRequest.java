package io.kairos.api.job;

import io.kairos.job.InvalidJobException;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** A past range whose occurrences of a recurring job are to run, each once. */
@Schema(name = "BackfillRequest")
public record BackfillRequest(
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            description = "the first instant of the range (included), ISO-8601 with an offset",
            example = "2026-11-01T00:00:00Z")
        String from,
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            description = "the end of the range (excluded), not in the future",
            example = "2026-11-08T00:00:00Z")
        String to) {

  Instant fromInstant() {
    return instant("from", from);
  }

  Instant toInstant() {
    return instant("to", to);
  }

  private static Instant instant(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidJobException(
          field, "must be an ISO-8601 date-time with an offset such as 2026-11-01T00:00:00Z");
    }
  }
}
