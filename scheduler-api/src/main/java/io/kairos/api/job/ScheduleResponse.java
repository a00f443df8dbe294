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
        List<String> daily,
    @Schema(
            description = "recurring jobs: SKIP, BUFFER_ONE or CANCEL_RUNNING",
            allowableValues = {"SKIP", "BUFFER_ONE", "CANCEL_RUNNING"},
            nullable = true)
        String overlap,
    @Schema(
            description = "recurring jobs: NONE, LATEST or ALL",
            allowableValues = {"NONE", "LATEST", "ALL"},
            nullable = true)
        String catchUp,
    @Schema(description = "with catchUp ALL: how far back", nullable = true) String catchUpWindow,
    @Schema(description = "cron schedules: the most an occurrence is delayed", nullable = true)
        String jitter) {

  /** Without a policy (the defaults, or a one-time job). */
  public ScheduleResponse(
      Instant at, String cron, String timeZone, String every, List<String> daily) {
    this(at, cron, timeZone, every, daily, null, null, null, null);
  }

  public static ScheduleResponse of(ScheduleSpec spec) {
    if (spec == null) {
      return null;
    }
    return new ScheduleResponse(
        spec.at(),
        spec.cron(),
        spec.timeZone() == null ? null : spec.timeZone().getId(),
        spec.every() == null ? null : spec.every().toString(),
        spec.daily() == null ? null : spec.daily().stream().map(LocalTime::toString).toList(),
        spec.recurring() ? spec.effectivePolicy().overlap().name() : null,
        spec.recurring() ? spec.effectivePolicy().catchUp().name() : null,
        text(spec.effectivePolicy().catchUpWindow()),
        text(spec.effectivePolicy().jitter()));
  }

  private static String text(java.time.Duration duration) {
    return duration == null ? null : duration.toString();
  }
}
