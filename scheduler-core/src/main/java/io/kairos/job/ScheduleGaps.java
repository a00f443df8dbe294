package io.kairos.job;

import com.github.kagkarlsson.shaded.cronutils.model.time.ExecutionTime;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The smallest gap between two runs of a recurring schedule over a whole period of it, not just the
 * next one: {@code 0,30-59 0 * * * *} runs twice an hour apart once, then thirty times a second
 * apart. For a cron, the times of day come from its second, minute and hour fields (every matching
 * day has the same ones), and the gap from one matching day's last time to the next one's first
 * from its days, followed over four years (every month length, leap day and weekday) with
 * cron-utils. Times are the zone's wall-clock times; the hour a daylight-saving change adds or
 * takes is not counted.
 */
public final class ScheduleGaps {

  /** Four years of days: every month length, 29 February, every weekday of each. */
  private static final LocalDate FOLLOWED_FROM = LocalDate.of(2000, 1, 1);

  private static final LocalDate FOLLOWED_UNTIL = FOLLOWED_FROM.plusYears(4);

  private static final int DAY = 86_400;

  private ScheduleGaps() {}

  /**
   * A gap between two runs of {@code schedule} shorter than {@code floor}, if it has one; the
   * smallest one when it does.
   */
  public static Optional<Duration> shorterThan(ScheduleSpec schedule, Duration floor) {
    if (!schedule.recurring() || floor.compareTo(Duration.ofSeconds(1)) <= 0) {
      return Optional.empty(); // nothing recurs more often than every second
    }
    Duration smallest;
    if (schedule.every() != null) {
      smallest = schedule.every();
    } else if (schedule.daily() != null) {
      List<Integer> seconds = new ArrayList<>();
      schedule.daily().forEach(t -> seconds.add(t.toSecondOfDay()));
      smallest = Duration.ofSeconds(smallestWithin(seconds, 1));
    } else {
      smallest = smallestOfCron(schedule.cron(), floor.toSeconds());
    }
    return smallest.compareTo(floor) < 0 ? Optional.of(smallest) : Optional.empty();
  }

  /**
   * The smallest gap between consecutive seconds of day, the step from the last to the first over
   * {@code dayGap} days included.
   */
  private static long smallestWithin(List<Integer> secondsOfDay, long dayGap) {
    long smallest = dayGap * DAY - secondsOfDay.get(secondsOfDay.size() - 1) + secondsOfDay.get(0);
    for (int i = 1; i < secondsOfDay.size(); i++) {
      smallest = Math.min(smallest, secondsOfDay.get(i) - secondsOfDay.get(i - 1));
    }
    return smallest;
  }

  private static Duration smallestOfCron(String cron, long floorSeconds) {
    List<Integer> times = timesOfDay(cron);
    int first = times.get(0);
    int last = times.get(times.size() - 1);
    long withinDay = Long.MAX_VALUE;
    for (int i = 1; i < times.size(); i++) {
      withinDay = Math.min(withinDay, times.get(i) - times.get(i - 1));
    }
    if (withinDay < floorSeconds) {
      return Duration.ofSeconds(withinDay);
    }
    if ((long) DAY - last + first >= floorSeconds) {
      // Across days the step is at least one day's last time to the next day's first.
      return Duration.ofSeconds(Math.min(withinDay, (long) DAY - last + first));
    }
    // The step across days may be short (23:59:59 then 00:00:00): follow the matching days.
    long days = smallestDayGap(cron, LocalTime.ofSecondOfDay(last));
    return Duration.ofSeconds(Math.min(withinDay, days * DAY - last + first));
  }

  /** The fewest days from one matching day to the next, over four years. */
  private static long smallestDayGap(String cron, LocalTime lastOfDay) {
    ExecutionTime wallClock = ScheduleSpec.wallClockCron(cron);
    LocalDateTime at =
        ScheduleSpec.nextWallClockMatch(wallClock, FOLLOWED_FROM.atStartOfDay().minusNanos(1))
            .orElseThrow();
    long smallest = Long.MAX_VALUE;
    while (smallest > 1 && at.toLocalDate().isBefore(FOLLOWED_UNTIL)) {
      LocalDate day = at.toLocalDate();
      Optional<LocalDateTime> next =
          ScheduleSpec.nextWallClockMatch(wallClock, LocalDateTime.of(day, lastOfDay));
      if (next.isEmpty()) {
        break;
      }
      at = next.get();
      smallest = Math.min(smallest, ChronoUnit.DAYS.between(day, at.toLocalDate()));
    }
    return smallest == Long.MAX_VALUE ? 1 : smallest;
  }

  /** The cron's times of day, in seconds, from its second, minute and hour fields. */
  static List<Integer> timesOfDay(String cron) {
    String trimmed = cron.trim().toLowerCase(Locale.ROOT);
    String seconds;
    String minutes;
    String hours;
    if (trimmed.startsWith("@")) {
      seconds = "0";
      minutes = "0";
      hours = trimmed.equals("@hourly") ? "*" : "0";
    } else {
      String[] fields = trimmed.split("\\s+");
      boolean withSeconds = fields.length == 6;
      seconds = withSeconds ? fields[0] : "0";
      minutes = fields[withSeconds ? 1 : 0];
      hours = fields[withSeconds ? 2 : 1];
    }
    List<Integer> times = new ArrayList<>();
    for (int h : values(hours, 23)) {
      for (int m : values(minutes, 59)) {
        for (int s : values(seconds, 59)) {
          times.add(h * 3600 + m * 60 + s);
        }
      }
    }
    return times;
  }

  /**
   * The values of a time field ({@code *}, {@code 5}, {@code 1-5}, {@code *}{@code /15}, {@code
   * 10/5}, {@code 1-30/3}, lists of these), 0 to {@code max}. Anything else counts as every value,
   * which can only make the gaps found smaller than they are.
   */
  private static TreeSet<Integer> values(String field, int max) {
    TreeSet<Integer> values = new TreeSet<>();
    try {
      for (String part : field.split(",")) {
        String[] stepped = part.split("/", 2);
        int step = stepped.length == 2 ? Integer.parseInt(stepped[1]) : 1;
        String base = stepped[0];
        int from;
        int to;
        if (base.equals("*") || base.equals("?")) {
          from = 0;
          to = max;
        } else if (base.contains("-")) {
          String[] range = base.split("-", 2);
          from = Integer.parseInt(range[0]);
          to = Integer.parseInt(range[1]);
        } else {
          from = Integer.parseInt(base);
          to = stepped.length == 2 ? max : from;
        }
        if (step < 1 || from < 0 || to > max || from > to) {
          throw new NumberFormatException(part);
        }
        for (int v = from; v <= to; v += step) {
          values.add(v);
        }
      }
    } catch (NumberFormatException e) {
      values.clear();
      for (int v = 0; v <= max; v++) {
        values.add(v);
      }
    }
    return values;
  }
}
