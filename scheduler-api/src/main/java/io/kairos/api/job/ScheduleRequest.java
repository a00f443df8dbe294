package io.kairos.api.job;

import io.kairos.job.InvalidScheduleException;
import io.kairos.job.ScheduleSpec;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * When to run, as the client wrote it. {@code at} is an ISO-8601 instant with an offset, or a local
 * date-time together with {@code timeZone}. A local time that does not exist (the spring- forward
 * gap) runs at the same wall-clock distance after the gap (02:30 in a 02:00→03:00 gap is 03:30);
 * one that exists twice (fall-back overlap) means the earlier of the two instants.
 */
@Schema(description = "Exactly one of at, cron or every; absent means now.")
public record ScheduleRequest(
    @Schema(example = "2026-12-18T18:00:00Z") String at,
    @Schema(
            example = "*/5 * * * *",
            description =
                "five fields (minute hour day-of-month month day-of-week), six fields (seconds"
                    + " first), or @hourly, @daily, @midnight, @weekly, @monthly, @yearly,"
                    + " @annually; kept as written")
        String cron,
    @Schema(example = "Europe/Oslo") String timeZone,
    @Schema(example = "PT5M", description = "ISO-8601 duration, PT1S to P3650D") String every) {

  ScheduleSpec toSpec() {
    int kinds = (at != null ? 1 : 0) + (cron != null ? 1 : 0) + (every != null ? 1 : 0);
    if (kinds != 1) {
      throw new InvalidScheduleException("schedule", "give exactly one of 'at', 'cron' or 'every'");
    }
    ZoneId zone = zone();
    if (at != null) {
      // The zone is kept with the instant, so the job shows the schedule as it was written.
      return new ScheduleSpec(instant(zone), null, zone, null, null);
    }
    if (every != null) {
      if (zone != null) {
        throw new InvalidScheduleException("schedule.timeZone", "has no meaning with 'every'");
      }
      return ScheduleSpec.every(duration());
    }
    if (cron != null) {
      return ScheduleSpec.cron(cron, zone);
    }
    throw new InvalidScheduleException("schedule", "give one of 'at', 'cron' or 'every'");
  }

  private ZoneId zone() {
    if (timeZone == null) {
      return null;
    }
    try {
      return ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      throw new InvalidScheduleException(
          "schedule.timeZone", "'" + timeZone + "' is not a known time zone");
    }
  }

  private Instant instant(ZoneId zone) {
    try {
      return OffsetDateTime.parse(at).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      try {
        LocalDateTime local = LocalDateTime.parse(at);
        if (zone == null) {
          throw new InvalidScheduleException(
              "schedule.timeZone", "is required when 'at' has no offset");
        }
        return local.atZone(zone).toInstant();
      } catch (DateTimeParseException e) {
        throw new InvalidScheduleException(
            "schedule.at", "must be an ISO-8601 date-time such as 2026-12-18T18:00:00Z");
      }
    }
  }

  private Duration duration() {
    try {
      return Duration.parse(every);
    } catch (DateTimeParseException e) {
      throw new InvalidScheduleException(
          "schedule.every", "must be an ISO-8601 duration such as PT5M");
    }
  }
}
