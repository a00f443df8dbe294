package io.kairos.api.job;

import io.kairos.job.InvalidScheduleException;
import io.kairos.job.SchedulePolicy;
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
    @Schema(example = "PT5M", description = "ISO-8601 duration, PT1S to P3650D") String every,
    @Schema(
            description =
                "recurring jobs: what an occurrence falling due while the previous one still runs"
                    + " does. SKIP (default): it is skipped; BUFFER_ONE: one run right after the"
                    + " running attempt; CANCEL_RUNNING: the running attempt is cancelled"
                    + " (CANCELLED) and the occurrence runs at once",
            allowableValues = {"SKIP", "BUFFER_ONE", "CANCEL_RUNNING"},
            nullable = true)
        String overlap,
    @Schema(
            description =
                "recurring jobs: occurrences missed while no attempt ran (cluster down, job"
                    + " paused). LATEST (default): one late run for all of them; NONE: an"
                    + " occurrence later than the misfire grace is not run (recorded MISSED);"
                    + " ALL: each one due within catchUpWindow before now runs once, one after"
                    + " another",
            allowableValues = {"NONE", "LATEST", "ALL"},
            nullable = true)
        String catchUp,
    @Schema(
            description =
                "with catchUp ALL (required then): how far back missed occurrences are run,"
                    + " PT1S to P31D and at most 1000 occurrences",
            example = "PT6H",
            nullable = true)
        String catchUpWindow,
    @Schema(
            description =
                "cron schedules: each occurrence after a run is delayed by up to this much, by an"
                    + " amount fixed per job and occurrence (every node agrees); PT1S to P1D and"
                    + " shorter than the schedule's smallest gap",
            example = "PT30S",
            nullable = true)
        String jitter) {

  public ScheduleRequest(String at, String cron, String timeZone, String every) {
    this(at, cron, timeZone, every, null, null, null, null);
  }

  ScheduleSpec toSpec() {
    ScheduleSpec spec = kind();
    SchedulePolicy policy = policy();
    return policy == null ? spec : spec.withPolicy(policy);
  }

  private SchedulePolicy policy() {
    if (overlap == null && catchUp == null && catchUpWindow == null && jitter == null) {
      return null;
    }
    return new SchedulePolicy(
        named("schedule.overlap", SchedulePolicy.Overlap.class, overlap),
        named("schedule.catchUp", SchedulePolicy.CatchUp.class, catchUp),
        duration("schedule.catchUpWindow", catchUpWindow),
        duration("schedule.jitter", jitter));
  }

  private static <E extends Enum<E>> E named(String field, Class<E> type, String text) {
    if (text == null) {
      return null;
    }
    for (E value : type.getEnumConstants()) {
      if (value.name().equals(text)) {
        return value;
      }
    }
    throw new InvalidScheduleException(
        field,
        "must be one of "
            + java.util.Arrays.stream(type.getEnumConstants())
                .map(Enum::name)
                .collect(java.util.stream.Collectors.joining(", ")));
  }

  private static Duration duration(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidScheduleException(field, "must be an ISO-8601 duration such as PT30S");
    }
  }

  private ScheduleSpec kind() {
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
