package io.kairos.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.Daily;
import com.github.kagkarlsson.shaded.cronutils.model.time.ExecutionTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When a job runs: once {@code at} an instant, on a {@code cron} in a {@code timeZone}, {@code
 * every} fixed interval, or {@code daily} at local times in a {@code timeZone}. Exactly one kind is
 * set; the constructor refuses anything else, so a persisted spec is always usable.
 *
 * <p>A cron is kept as written and read in one of three forms: five fields (minute first, crontab's
 * meaning: when both day-of-month and day-of-week are restricted, either may match), six fields
 * (seconds first, Spring's meaning: both must match), or a macro ({@code @hourly}, {@code @daily},
 * {@code @midnight}, {@code @weekly}, {@code @monthly}, {@code @yearly}, {@code @annually}). A cron
 * that matches no date at all (30 February) is refused.
 *
 * <p>{@code every} is fixed-rate: occurrences sit on the grid {@code first + k × every}. When a run
 * overruns or the cluster was down, missed grid points are coalesced into one run (see
 * ARCHITECTURE.md, "Time").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleSpec(
    Instant at,
    String cron,
    ZoneId timeZone,
    Duration every,
    List<LocalTime> daily,
    SchedulePolicy policy) {

  public static final Duration MIN_EVERY = Duration.ofSeconds(1);
  public static final Duration MAX_EVERY = Duration.ofDays(3650);

  /** The cron macros accepted, as db-scheduler's Spring-style cron reads them. */
  private static final Set<String> CRON_MACROS =
      Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");

  /**
   * The Gregorian calendar repeats every 400 years, so a cron with no time in 400 years has none at
   * all, while one that fires rarely (29 February on a Monday: every 28 to 40 years) still does.
   * Checked from a fixed instant so that a spec valid when created stays valid when read back.
   */
  private static final LocalDateTime CRON_CHECK_FROM = LocalDateTime.of(2000, 1, 1, 0, 0);

  private static final LocalDateTime CRON_CHECK_UNTIL = CRON_CHECK_FROM.plusYears(400);

  /** Beyond this, instants cannot be stored (or computed with) safely; nothing runs that late. */
  public static final Instant MAX_AT = Instant.parse("9999-12-31T23:59:59Z");

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
      if (daily.isEmpty() || daily.stream().anyMatch(Objects::isNull)) {
        throw new InvalidScheduleException("schedule.daily", "needs at least one time of day");
      }
      daily = List.copyOf(new java.util.TreeSet<>(daily));
      timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
    }
    if (at != null) {
      if (at.isAfter(MAX_AT) || at.isBefore(Instant.EPOCH)) {
        throw new InvalidScheduleException("schedule.at", "must be between 1970 and 9999");
      }
      // PostgreSQL keeps microseconds; a finer instant would not round-trip through the database.
      at = at.truncatedTo(ChronoUnit.MICROS);
    }
    if (policy != null && policy.isDefault()) {
      policy = null; // kept only when it says something
    }
    if (policy != null && at != null) {
      throw new InvalidScheduleException(
          "schedule", "overlap, catch-up and jitter apply to recurring schedules only");
    }
    if (cron != null) {
      timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
      validateCron(cron);
    } else if (every != null) {
      if (every.compareTo(MIN_EVERY) < 0 || every.compareTo(MAX_EVERY) > 0) {
        throw new InvalidScheduleException("schedule.every", "must be between PT1S and P3650D");
      }
      if (timeZone != null) {
        throw new InvalidScheduleException("schedule.timeZone", "has no meaning with 'every'");
      }
    }
  }

  /** Without a policy of its own (the default: skip overlaps, one late run when missed). */
  public ScheduleSpec(
      Instant at, String cron, ZoneId timeZone, Duration every, List<LocalTime> daily) {
    this(at, cron, timeZone, every, daily, null);
  }

  public static ScheduleSpec at(Instant at) {
    return new ScheduleSpec(at, null, null, null, null);
  }

  /**
   * This schedule with {@code value} as its overlap, catch-up and jitter policy; a jitter must be
   * shorter than the schedule's smallest gap, and only cron and daily schedules take one.
   */
  public ScheduleSpec withPolicy(SchedulePolicy value) {
    ScheduleSpec spec = new ScheduleSpec(at, cron, timeZone, every, daily, value);
    if (value != null && value.jitter() != null) {
      if (every != null) {
        throw new InvalidScheduleException(
            "schedule.jitter",
            "applies to cron and daily schedules; an 'every' schedule keeps a fixed grid");
      }
      if (ScheduleGaps.shorterThan(spec, value.jitter().plusMillis(1)).isPresent()) {
        throw new InvalidScheduleException(
            "schedule.jitter", "must be shorter than the smallest gap between two runs");
      }
    }
    if (value != null
        && value.catchUpWindow() != null
        && spec.recurring()
        && value
                .catchUpWindow()
                .compareTo(
                    spec.typicalInterval(Instant.now()).multipliedBy(SchedulePolicy.MAX_CAUGHT_UP))
            > 0) {
      throw new InvalidScheduleException(
          "schedule.catchUpWindow",
          "may cover at most " + SchedulePolicy.MAX_CAUGHT_UP + " occurrences of the schedule");
    }
    return spec;
  }

  /** The policy in force: its own, or {@link SchedulePolicy#DEFAULT}. */
  public SchedulePolicy effectivePolicy() {
    return policy == null ? SchedulePolicy.DEFAULT : policy;
  }

  /**
   * A new cron schedule, as a client gives it: besides what every spec is checked for, at most
   * {@value Crons#MAX_LENGTH} characters of printable ASCII listing at most {@value
   * Crons#MAX_VALUES} values, so that its occurrences are cheap to compute (schedules read back
   * from the database are not held to these bounds).
   */
  public static ScheduleSpec cron(String cron, ZoneId zone) {
    Crons.checkNew(cron);
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
    return cron != null
        ? nextCronTime(now)
        : dailySchedule().getNextExecutionTime(ExecutionComplete.simulatedSuccess(now));
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
    return cron != null
        ? nextCronTime(from)
        : dailySchedule().getNextExecutionTime(ExecutionComplete.simulatedSuccess(from));
  }

  /**
   * The occurrences after {@code after} up to {@code until} (inclusive), in order, at most {@code
   * limit}: for catching up and for backfills.
   */
  public List<Instant> occurrencesBetween(Instant after, Instant until, int limit) {
    List<Instant> found = new java.util.ArrayList<>();
    Instant t = after;
    while (found.size() < limit) {
      t = nextExecution(t, t);
      if (t.isAfter(until)) {
        break;
      }
      found.add(t);
    }
    return found;
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

  private Daily dailySchedule() {
    return new Daily(timeZone, daily);
  }

  /**
   * The first cron time after {@code after}. The cron is matched against wall-clock time in {@code
   * timeZone}, and each wall-clock time runs at most once, so a daily job runs once on both
   * daylight-saving days: a time in the spring-forward gap runs shifted forward by the gap's length
   * (02:30 in a 02:00→03:00 gap runs at 03:30, like a local {@code at}), and a time that exists
   * twice at fall-back runs at the first (earlier offset) only. db-scheduler's own CronSchedule
   * skips the gap day and runs twice on the fall-back day.
   */
  private Instant nextCronTime(Instant after) {
    ExecutionTime wallClock = wallClockCron(cron);
    LocalDateTime local = LocalDateTime.ofInstant(after, timeZone);
    for (int tries = 0; tries < 3; tries++) {
      LocalDateTime from = local;
      local =
          nextWallClockMatch(wallClock, from)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no cron time after " + from + " for '" + cron + "'"));
      Instant candidate = ZonedDateTime.ofLocal(local, timeZone, null).toInstant();
      if (candidate.isAfter(after)) {
        return candidate;
      }
      // A wall-clock time of a fall-back overlap already passed at its first offset: continue
      // from the end of the overlap.
      ZoneOffsetTransition overlap = timeZone.getRules().getTransition(local);
      if (overlap != null && overlap.isOverlap()) {
        local = overlap.getDateTimeBefore().minusNanos(1);
      }
    }
    throw new IllegalStateException("no cron time after " + after + " for '" + cron + "'");
  }

  /**
   * The cron matched against wall-clock time (UTC standing in for the zone's local time). Five
   * fields are read as crontab reads them, six fields and macros as Spring does: each form means
   * what it means where it comes from. This is cron-utils as db-scheduler ships it (the library
   * behind its CronSchedule), used directly because CronSchedule logs an error for a cron without
   * further times, which a client's mistake should not cause.
   */
  static ExecutionTime wallClockCron(String cron) {
    return Crons.executionTime(cron);
  }

  /** The first wall-clock match after {@code after} (a UTC date-time standing for local time). */
  static Optional<LocalDateTime> nextWallClockMatch(ExecutionTime cron, LocalDateTime after) {
    return cron.nextExecution(after.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
  }

  private static void validateCron(String cron) {
    if (Crons.knownValid(cron)) {
      return; // every read of a job would check it again
    }
    String trimmed = cron.trim();
    boolean macro = CRON_MACROS.contains(trimmed.toLowerCase(Locale.ROOT));
    int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    if (!macro && fields != 5 && fields != 6) {
      throw new InvalidScheduleException(
          "schedule.cron",
          "must have five fields (minute hour day-of-month month day-of-week), six (seconds"
              + " first) or be one of @hourly, @daily, @midnight, @weekly, @monthly, @yearly,"
              + " @annually");
    }
    Optional<LocalDateTime> first;
    try {
      first = nextWallClockMatch(wallClockCron(trimmed), CRON_CHECK_FROM);
    } catch (RuntimeException e) {
      throw new InvalidScheduleException("schedule.cron", "is not a valid cron expression");
    }
    if (first.isEmpty() || !first.get().isBefore(CRON_CHECK_UNTIL)) {
      throw new InvalidScheduleException(
          "schedule.cron", "never fires: no date matches '" + trimmed + "'");
    }
    Crons.markValid(cron);
  }
}
