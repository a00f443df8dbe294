package io.kairos.api.job;

import io.kairos.job.ScheduleSpec;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;

/**
 * A job's schedule as stored: exactly one of at, cron, every or daily (daily only for jobs declared
 * in the workers' configuration).
 */
@Schema(name = "Schedule")
public record ScheduleResponse(
    @Schema(description = "the instant a one-time job runs") Instant at,
    @Schema(example = "0 0 9 * * MON-FRI") String cron,
    @Schema(
            description = "the time zone of the cron, the daily times or a local 'at'",
            example = "Europe/Oslo")
        String timeZone,
    @Schema(description = "ISO-8601 duration", example = "PT5M") String every,
    @Schema(description = "local times of day (declared jobs only)", example = "[\"03:00\"]")
        List<String> daily) {

  public static ScheduleResponse of(ScheduleSpec spec) {
    if (spec == null) {
      return null;
    }
    return new ScheduleResponse(
        spec.at(),
        spec.cron(),
        spec.timeZone() == null ? null : spec.timeZone().getId(),
        spec.every() == null ? null : spec.every().toString(),
        spec.daily() == null ? null : spec.daily().stream().map(LocalTime::toString).toList());
  }
}
