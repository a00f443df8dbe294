package io.kairos.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    assertThatThrownBy(() -> ScheduleSpec.cron("0 9 *", OSLO))
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

  @Test
  void aFiveFieldCronIsMinuteFirstAndKeptAsWritten() {
    ScheduleSpec spec = ScheduleSpec.cron("*/5 * * * *", null);
    assertThat(spec.cron()).isEqualTo("*/5 * * * *");
    assertThat(occurrences(spec, Instant.parse("2026-06-01T10:02:30Z"), 3))
        .containsExactly(
            Instant.parse("2026-06-01T10:05:00Z"),
            Instant.parse("2026-06-01T10:10:00Z"),
            Instant.parse("2026-06-01T10:15:00Z"));
    assertThat(occurrences(ScheduleSpec.cron("15 9 * * MON-FRI", null), friday(), 2))
        .containsExactly(
            Instant.parse("2026-12-21T09:15:00Z"), Instant.parse("2026-12-22T09:15:00Z"));
  }

  @Test
  void aFiveFieldCronMatchesEitherDayFieldAsCrontabDoesWhileSixFieldsNeedBoth() {
    // Crontab: "on the 13th, and on every Friday". Spring (six fields): "on Friday the 13th".
    assertThat(occurrences(ScheduleSpec.cron("0 0 13 * 5", null), newYear(), 3))
        .containsExactly(
            Instant.parse("2026-01-02T00:00:00Z"), // a Friday
            Instant.parse("2026-01-09T00:00:00Z"), // a Friday
            Instant.parse("2026-01-13T00:00:00Z")); // a Tuesday, the 13th
    assertThat(occurrences(ScheduleSpec.cron("0 0 0 13 * FRI", null), newYear(), 2))
        .containsExactly(
            Instant.parse("2026-02-13T00:00:00Z"), Instant.parse("2026-03-13T00:00:00Z"));
  }

  @Test
  void aSixFieldCronHasSecondsFirst() {
    assertThat(occurrences(ScheduleSpec.cron("30 */5 * * * *", null), newYear(), 2))
        .containsExactly(
            Instant.parse("2026-01-01T00:00:30Z"), Instant.parse("2026-01-01T00:05:30Z"));
  }

  @Test
  void macrosMeanTheirUsualSchedules() {
    Instant from = Instant.parse("2026-03-18T10:20:00Z"); // a Wednesday
    assertThat(ScheduleSpec.cron("@hourly", null).firstExecution(from))
        .isEqualTo(Instant.parse("2026-03-18T11:00:00Z"));
    assertThat(ScheduleSpec.cron("@daily", null).firstExecution(from))
        .isEqualTo(Instant.parse("2026-03-19T00:00:00Z"));
    assertThat(ScheduleSpec.cron("@midnight", null).firstExecution(from))
        .isEqualTo(Instant.parse("2026-03-19T00:00:00Z"));
    assertThat(ScheduleSpec.cron("@weekly", null).firstExecution(from)) // Sunday midnight
        .isEqualTo(Instant.parse("2026-03-22T00:00:00Z"));
    assertThat(ScheduleSpec.cron("@monthly", null).firstExecution(from))
        .isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    assertThat(ScheduleSpec.cron("@yearly", null).firstExecution(from))
        .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(ScheduleSpec.cron("@annually", null).firstExecution(from))
        .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    // In a zone, a macro means local midnight; the spec keeps the macro as written.
    ScheduleSpec osloDaily = ScheduleSpec.cron("@daily", OSLO);
    assertThat(osloDaily.cron()).isEqualTo("@daily");
    assertThat(osloDaily.firstExecution(from)).isEqualTo(Instant.parse("2026-03-18T23:00:00Z"));
  }

  @Test
  void aFiveFieldDailyCronFollowsTheSameDaylightSavingRulesAsSixFields() {
    assertThat(
            occurrences(
                ScheduleSpec.cron("30 2 * * *", OSLO), Instant.parse("2026-03-28T12:00:00Z"), 2))
        .containsExactly(
            Instant.parse("2026-03-29T01:30:00Z"), // 03:30 CEST: the gap's 02:30, once
            Instant.parse("2026-03-30T00:30:00Z"));
    assertThat(
            occurrences(
                ScheduleSpec.cron("30 2 * * *", OSLO), Instant.parse("2026-10-24T12:00:00Z"), 2))
        .containsExactly(
            Instant.parse("2026-10-25T00:30:00Z"), // the first 02:30 only
            Instant.parse("2026-10-26T01:30:00Z"));
  }

  @Test
  void aDailyMacroInAZoneThatSkipsMidnightRunsAfterTheGap() {
    // Chile springs forward at midnight: 2026-09-06 goes from 23:59:59 (-04) to 01:00 (-03).
    ZoneId santiago = ZoneId.of("America/Santiago");
    assertThat(
            occurrences(
                ScheduleSpec.cron("@daily", santiago), Instant.parse("2026-09-05T12:00:00Z"), 2))
        .containsExactly(
            Instant.parse("2026-09-06T04:00:00Z"), // 01:00 -03: the gap's midnight, shifted
            Instant.parse("2026-09-07T03:00:00Z")); // 00:00 -03
  }

  @ParameterizedTest
  @ValueSource(strings = {"0 0 0 30 2 *", "0 0 30 2 *", "0 0 31 4 *", "0 0 0 31 2,4,6,9,11 *"})
  void aCronThatCanNeverFireIsRefusedNamingTheField(String cron) {
    assertThatThrownBy(() -> ScheduleSpec.cron(cron, OSLO))
        .isInstanceOfSatisfying(
            InvalidScheduleException.class,
            e -> {
              assertThat(e.field()).isEqualTo("schedule.cron");
              assertThat(e.getMessage()).contains("never fires");
            });
  }

  @Test
  void aCronThatFiresOnlyEveryFewDecadesIsAccepted() {
    // 29 February falls on a Monday in 2044, then 2072: rare, but a real schedule.
    assertThat(ScheduleSpec.cron("0 0 0 29 2 MON", null).firstExecution(newYear()))
        .isEqualTo(Instant.parse("2044-02-29T00:00:00Z"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "0 9 *",
        "0 0 0 1 1 * 2030",
        "@reboot",
        "@every 5m",
        "61 * * * *",
        "0 0 L * *"
      })
  void cronsOfAnotherShapeAreRefusedNamingTheField(String cron) {
    assertThatThrownBy(() -> ScheduleSpec.cron(cron, null))
        .isInstanceOfSatisfying(
            InvalidScheduleException.class, e -> assertThat(e.field()).isEqualTo("schedule.cron"));
  }

  private static Instant newYear() {
    return Instant.parse("2026-01-01T00:00:00Z").minusSeconds(1);
  }

  private static Instant friday() {
    return Instant.parse("2026-12-18T10:00:00Z");
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
