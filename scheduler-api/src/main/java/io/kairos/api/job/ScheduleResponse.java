package io.kairos.api.job;

import io.kairos.schedule.ScheduleSpec;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A job's schedule as stored: exactly one of at, cron or every. */
@Schema(name = "Schedule")
public record ScheduleResponse(
    @Schema(description = "the instant a one-time job runs") Instant at,
    @Schema(example = "0 0 9 * * MON-FRI") String cron,
    @Schema(description = "the cron's time zone", example = "Europe/Oslo") String timeZone,
    @Schema(description = "ISO-8601 duration", example = "PT5M") String every) {

  public static ScheduleResponse of(ScheduleSpec spec) {
    if (spec == null) {
      return null;
    }
    return new ScheduleResponse(
        spec.at(),
        spec.cron(),
        spec.timeZone() == null ? null : spec.timeZone().getId(),
        spec.every() == null ? null : spec.every().toString());
  }
}
