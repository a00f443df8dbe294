package io.kairos.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure unit tests of schedules, in particular across daylight-saving transitions. */
class ScheduleSpecTests {

  static final ZoneId OSLO = ZoneId.of("Europe/Oslo");

  @Test
  void aDaily0230CronInOsloRunsOnceOnTheSpringForwardDayAnHourLaterInWallClockTime() {
    // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST, so 02:30 does not exist that day.
    List<Instant> runs =
        occurrences(
            ScheduleSpec.cron("0 30 2 * * *", OSLO), Instant.parse("2026-03-27T12:00:00Z"), 4);

    assertThat(runs)
        .containsExactly(
            Instant.parse("2026-03-28T01:30:00Z"), // 02:30 CET
            Instant.parse("2026-03-29T01:30:00Z"), // 03:30 CEST: the gap's 02:30, once
            Instant.parse("2026-03-30T00:30:00Z"), // 02:30 CEST
            Instant.parse("2026-03-31T00:30:00Z"));
  }

  @Test
  void aDaily0230CronInOsloRunsOnceOnTheFallBackDayAtTheFirstOf0230s() {
    // 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET, so 02:30 happens twice that day.
    List<Instant> runs =
        occurrences(
            ScheduleSpec.cron("0 30 2 * * *", OSLO), Instant.parse("2026-10-23T12:00:00Z"), 4);

    assertThat(runs)
        .containsExactly(
            Instant.parse("2026-10-24T00:30:00Z"), // 02:30 CEST
            Instant.parse("2026-10-25T00:30:00Z"), // the first 02:30 (CEST); not again at CET
            Instant.parse("2026-10-26T01:30:00Z"), // 02:30 CET
            Instant.parse("2026-10-27T01:30:00Z"));
  }

  @Test
  void aWallClockTimeAlreadyPassedAtTheFirstOffsetOfAFallBackIsNotRunAgain() {
    ScheduleSpec daily = ScheduleSpec.cron("0 30 2 * * *", OSLO);
    Instant secondPass0215 = Instant.parse("2026-10-25T01:15:00Z"); // 02:15 CET, the second time
    assertThat(daily.nextExecution(secondPass0215, secondPass0215))
        .isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));
  }

  @Test
  void aCronWithoutTimeZoneRunsInUtc() {
    ScheduleSpec spec = ScheduleSpec.cron("0 0 9 * * MON-FRI", null);
    assertThat(spec.timeZone()).isEqualTo(ZoneId.of("Z"));
    assertThat(spec.firstExecution(Instant.parse("2026-12-18T10:00:00Z"))) // a Friday
        .isEqualTo(Instant.parse("2026-12-21T09:00:00Z")); // the Monday
  }

  @Test
  void everyStaysOnItsGridAndCoalescesMissedOccurrences() {
    ScheduleSpec spec = ScheduleSpec.every(Duration.ofMinutes(5));
    Instant first = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(spec.nextExecution(first, first.plusSeconds(10)))
        .isEqualTo(Instant.parse("2026-01-01T00:05:00Z"));
    assertThat(spec.nextExecution(first, Instant.parse("2026-01-01T00:17:00Z")))
        .isEqualTo(Instant.parse("2026-01-01T00:20:00Z"));
  }

  @Test
  void schedulesThatCanNeverRunAreRefusedNamingTheField() {
    assertThatThrownBy(() -> ScheduleSpec.cron("0 0 9 * *", OSLO))
        .isInstanceOfSatisfying(
            InvalidScheduleException.class, e -> assertThat(e.field()).isEqualTo("schedule.cron"));
    assertThatThrownBy(() -> ScheduleSpec.cron("0 0 25 * * *", OSLO))
        .isInstanceOfSatisfying(
            InvalidScheduleException.class, e -> assertThat(e.field()).isEqualTo("schedule.cron"));
    assertThatThrownBy(() -> ScheduleSpec.every(Duration.ofMillis(500)))
        .isInstanceOfSatisfying(
            InvalidScheduleException.class, e -> assertThat(e.field()).isEqualTo("schedule.every"));
    assertThatThrownBy(() -> new ScheduleSpec(Instant.EPOCH, "0 0 9 * * *", null, null, null))
        .isInstanceOfSatisfying(
            InvalidScheduleException.class, e -> assertThat(e.field()).isEqualTo("schedule"));
  }

  private static List<Instant> occurrences(ScheduleSpec spec, Instant from, int count) {
    List<Instant> runs = new ArrayList<>();
    Instant next = spec.firstExecution(from);
    while (runs.size() < count) {
      runs.add(next);
      // As a worker does after a run that took a second.
      next = spec.nextExecution(next, next.plusSeconds(1));
    }
    return runs;
  }
}
