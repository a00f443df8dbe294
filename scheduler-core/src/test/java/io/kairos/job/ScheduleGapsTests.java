package io.kairos.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The smallest gap over a whole period of a schedule, not the next one only. */
class ScheduleGapsTests {

  static ScheduleSpec cron(String cron) {
    return ScheduleSpec.cron(cron, ZoneId.of("Europe/Oslo"));
  }

  @Test
  void anIrregularCronIsJudgedByItsShortestGap() {
    // Looks hourly from most instants (00:00:00, then 00:00:30 ... 00:00:59, then 01:00:00).
    assertThat(ScheduleGaps.shorterThan(cron("0,30-59 0 * * * *"), Duration.ofSeconds(10)))
        .contains(Duration.ofSeconds(1));
    assertThat(ScheduleGaps.shorterThan(cron("0 0,1 9 * * *"), Duration.ofMinutes(5)))
        .contains(Duration.ofMinutes(1));
    assertThat(ScheduleGaps.shorterThan(cron("*/15 * * * *"), Duration.ofMinutes(15))).isEmpty();
    assertThat(ScheduleGaps.shorterThan(cron("*/15 * * * *"), Duration.ofMinutes(16)))
        .contains(Duration.ofMinutes(15));
    assertThat(ScheduleGaps.shorterThan(cron("@hourly"), Duration.ofMinutes(60))).isEmpty();
    assertThat(ScheduleGaps.shorterThan(cron("0 9 * * MON-FRI"), Duration.ofHours(24))).isEmpty();
  }

  @Test
  void theStepFromOneDayToTheNextCountsWhenBothDaysRun() {
    // 23:00 and 00:00: an hour apart across midnight, every day.
    assertThat(ScheduleGaps.shorterThan(cron("0 0,23 * * *"), Duration.ofHours(2)))
        .contains(Duration.ofHours(1));
    // On Mondays only there is no next day: 23 hours, then six days and an hour.
    assertThat(ScheduleGaps.shorterThan(cron("0 0,23 * * 1"), Duration.ofHours(2))).isEmpty();
    // The 31st and the 1st follow each other in most months.
    assertThat(ScheduleGaps.shorterThan(cron("0 0 1,31 * *"), Duration.ofDays(2)))
        .contains(Duration.ofDays(1));
    assertThat(ScheduleGaps.shorterThan(cron("0 0 1,15 * *"), Duration.ofDays(2))).isEmpty();
    assertThat(ScheduleGaps.shorterThan(cron("0 23 * * *"), Duration.ofDays(2)))
        .contains(Duration.ofDays(1));
  }

  @Test
  void everyAndDailyTimesAreJudgedAlike() {
    assertThat(
            ScheduleGaps.shorterThan(
                ScheduleSpec.every(Duration.ofSeconds(5)), Duration.ofSeconds(10)))
        .contains(Duration.ofSeconds(5));
    assertThat(
            ScheduleGaps.shorterThan(
                ScheduleSpec.daily(
                    List.of(LocalTime.of(9, 0), LocalTime.of(9, 0, 5)), ZoneId.of("UTC")),
                Duration.ofSeconds(10)))
        .contains(Duration.ofSeconds(5));
    assertThat(
            ScheduleGaps.shorterThan(
                ScheduleSpec.daily(
                    List.of(LocalTime.of(0, 0, 1), LocalTime.of(23, 59, 59)), ZoneId.of("UTC")),
                Duration.ofSeconds(10)))
        .contains(Duration.ofSeconds(2));
    assertThat(
            ScheduleGaps.shorterThan(
                ScheduleSpec.every(Duration.ofSeconds(5)), Duration.ofSeconds(1)))
        .isEmpty();
  }
}
