package io.kairos.client;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * When a job runs, as the API's {@code schedule} takes it: exactly one of {@code at}, {@code cron}
 * or {@code every}. {@code at} is an ISO-8601 instant, or a local date-time read in {@code
 * timeZone}; {@code cron} has five fields (minute first), six (seconds first) or is a macro such as
 * {@code @daily}, in {@code timeZone} (UTC if null); {@code every} is an ISO-8601 duration. The
 * factories build the valid combinations; the API checks whatever is sent.
 */
public record ScheduleRequest(String at, String cron, String timeZone, String every) {

  /** Once, at this instant. */
  public static ScheduleRequest at(Instant at) {
    return new ScheduleRequest(Objects.requireNonNull(at, "at").toString(), null, null, null);
  }

  /** Once, at this local time in {@code zone} (kept with the job, so it shows as written). */
  public static ScheduleRequest at(LocalDateTime at, ZoneId zone) {
    return new ScheduleRequest(
        Objects.requireNonNull(at, "at").toString(),
        null,
        Objects.requireNonNull(zone, "zone").getId(),
        null);
  }

  /** Recurring, by a cron expression in UTC. */
  public static ScheduleRequest cron(String cron) {
    return new ScheduleRequest(null, Objects.requireNonNull(cron, "cron"), null, null);
  }

  /** Recurring, by a cron expression in {@code zone}. */
  public static ScheduleRequest cron(String cron, ZoneId zone) {
    return new ScheduleRequest(
        null,
        Objects.requireNonNull(cron, "cron"),
        Objects.requireNonNull(zone, "zone").getId(),
        null);
  }

  /** Recurring, at a fixed rate. */
  public static ScheduleRequest every(Duration every) {
    return new ScheduleRequest(null, null, null, Objects.requireNonNull(every, "every").toString());
  }
}
