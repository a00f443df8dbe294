package io.kairos.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.Daily;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * When a job runs: once {@code at} an instant, on a six-field {@code cron} (seconds first) in a
 * {@code timeZone}, {@code every} fixed interval, or {@code daily} at local times in a {@code
 * timeZone}. Exactly one kind is set; the constructor refuses anything else, so a persisted spec is
 * always usable.
 *
 * <p>{@code every} is fixed-rate: occurrences sit on the grid {@code first + k × every}. When a run
 * overruns or the cluster was down, missed grid points are coalesced into one run (DESIGN.md,
 * "Misfires").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleSpec(
    Instant at, String cron, ZoneId timeZone, Duration every, List<LocalTime> daily) {

  public static final Duration MIN_EVERY = Duration.ofSeconds(1);

  public ScheduleSpec {
    int kinds =
        (at != null ? 1 : 0)
            + (cron != null ? 1 : 0)
            + (every != null ? 1 : 0)
            + (daily != null ? 1 : 0);
    if (kinds != 1) {
      throw new InvalidScheduleException(
          "schedule", "give exactly one of 'at', 'cron', 'every' or 'daily'");
    }
    if (daily != null) {
      if (daily.isEmpty() || daily.contains(null)) {
        throw new InvalidScheduleException("schedule.daily", "needs at least one time of day");
      }
      daily = List.copyOf(new java.util.TreeSet<>(daily));
      timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
    }
    if (at != null) {
      // PostgreSQL keeps microseconds; a finer instant would not round-trip through the database.
      at = at.truncatedTo(ChronoUnit.MICROS);
    }
    if (cron != null) {
      timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
      validateCron(cron, timeZone);
    } else if (every != null) {
      if (every.compareTo(MIN_EVERY) < 0) {
        throw new InvalidScheduleException("schedule.every", "must be at least PT1S");
      }
      if (timeZone != null) {
        throw new InvalidScheduleException("schedule.timeZone", "has no meaning with 'every'");
      }
    }
  }

  public static ScheduleSpec at(Instant at) {
    return new ScheduleSpec(at, null, null, null, null);
  }

  public static ScheduleSpec cron(String cron, ZoneId zone) {
    return new ScheduleSpec(null, cron, zone, null, null);
  }

  public static ScheduleSpec every(Duration every) {
    return new ScheduleSpec(null, null, null, every, null);
  }

  public static ScheduleSpec daily(List<LocalTime> times, ZoneId zone) {
    return new ScheduleSpec(null, null, zone, null, times);
  }

  public boolean recurring() {
    return at == null;
  }

  /** The first execution time of a job created at {@code now}. */
  public Instant firstExecution(Instant now) {
    if (at != null) {
      return at;
    }
    if (every != null) {
      return now;
    }
    return calendar().getNextExecutionTime(ExecutionComplete.simulatedSuccess(now));
  }

  /**
   * The occurrence after {@code scheduledFor} that is not already in the past at {@code now}.
   * Everything skipped in between is coalesced into this one run.
   */
  public Instant nextExecution(Instant scheduledFor, Instant now) {
    Objects.requireNonNull(scheduledFor, "scheduledFor");
    if (!recurring()) {
      throw new IllegalStateException("a one-time schedule has no next execution");
    }
    Instant from = scheduledFor.isAfter(now) ? scheduledFor : now;
    if (every != null) {
      long periods = Duration.between(scheduledFor, from).toNanos() / every.toNanos() + 1;
      return scheduledFor.plus(every.multipliedBy(periods));
    }
    return calendar().getNextExecutionTime(ExecutionComplete.simulatedSuccess(from));
  }

  /**
   * The typical gap between occurrences (for staleness checks): {@code every}, or the gap between
   * the two occurrences following {@code now}.
   */
  public Duration typicalInterval(Instant now) {
    if (!recurring()) {
      throw new IllegalStateException("a one-time schedule has no interval");
    }
    if (every != null) {
      return every;
    }
    Instant first = firstExecution(now);
    return Duration.between(first, nextExecution(first, first));
  }

  /** The cron or daily schedule as db-scheduler computes it. */
  private Schedule calendar() {
    return cron != null ? new CronSchedule(cron, timeZone) : new Daily(timeZone, daily);
  }

  private static void validateCron(String cron, ZoneId zone) {
    String[] fields = cron.trim().split("\\s+");
    if (fields.length != 6) {
      throw new InvalidScheduleException(
          "schedule.cron", "needs six fields (sec min hour day-of-month month day-of-week)");
    }
    try {
      new CronSchedule(cron, zone)
          .getNextExecutionTime(ExecutionComplete.simulatedSuccess(Instant.EPOCH));
    } catch (RuntimeException e) {
      throw new InvalidScheduleException("schedule.cron", "is not a valid cron expression");
    }
  }
}
