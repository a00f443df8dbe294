package io.kairos.api.ui;

import io.kairos.api.job.ScheduleResponse;
import io.kairos.job.ScheduleSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's coming fire times, computed by core's {@code ScheduleSpec} (the same rules the workers
 * follow: daylight-saving gaps shifted, repeated wall-clock times run once), from its live next
 * run.
 */
final class FireTimes {

  private FireTimes() {}

  /**
   * Up to {@code count} fire times: the job's next run, then the schedule's following occurrences.
   * None when the job has no next run (final).
   */
  static List<Instant> next(ScheduleResponse schedule, Instant nextRunAt, int count) {
    List<Instant> times = new ArrayList<>();
    if (schedule == null || nextRunAt == null || count < 1) {
      return times;
    }
    ScheduleSpec spec = spec(schedule);
    times.add(nextRunAt);
    if (!spec.recurring()) {
      return times;
    }
    Instant t = nextRunAt;
    while (times.size() < count) {
      t = spec.nextExecution(t, t);
      times.add(t);
    }
    return times;
  }

  /** The zone a schedule's times are meant in: its own, or UTC. */
  static ZoneId zoneOf(ScheduleResponse schedule) {
    return schedule == null || schedule.timeZone() == null
        ? UiFormat.UTC
        : ZoneId.of(schedule.timeZone());
  }

  /** In words: "cron 0 0 9 * * MON-FRI in Europe/Oslo", "every PT5M", "once at …". */
  static String describe(ScheduleResponse schedule) {
    if (schedule == null) {
      return "—";
    }
    if (schedule.cron() != null) {
      return "cron " + schedule.cron() + " in " + zoneOf(schedule).getId();
    }
    if (schedule.every() != null) {
      return "every " + schedule.every();
    }
    if (schedule.daily() != null) {
      return "daily at " + String.join(", ", schedule.daily()) + " in " + zoneOf(schedule).getId();
    }
    return schedule.at() == null ? "once" : "once at " + schedule.at();
  }

  private static ScheduleSpec spec(ScheduleResponse schedule) {
    return new ScheduleSpec(
        schedule.at(),
        schedule.cron(),
        schedule.timeZone() == null ? null : ZoneId.of(schedule.timeZone()),
        schedule.every() == null ? null : Duration.parse(schedule.every()),
        schedule.daily() == null ? null : schedule.daily().stream().map(LocalTime::parse).toList());
  }
}
