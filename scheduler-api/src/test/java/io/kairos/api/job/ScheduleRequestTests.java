package io.kairos.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.job.InvalidScheduleException;
import io.kairos.job.ScheduleSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** How a schedule as the client wrote it becomes a ScheduleSpec, including DST edge cases. */
class ScheduleRequestTests {

  @Test
  void aLocalTimeInTheSpringForwardGapIsShiftedForwardByTheGapsLength() {
    // Europe/Oslo, 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
    ScheduleSpec spec =
        new ScheduleRequest("2026-03-29T02:30:00", null, "Europe/Oslo", null).toSpec();
    assertThat(spec.at()).isEqualTo(Instant.parse("2026-03-29T01:30:00Z")); // 03:30 CEST
  }

  @Test
  void aLocalTimeThatExistsTwiceAtFallBackMeansTheEarlierInstant() {
    // Europe/Oslo, 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    ScheduleSpec spec =
        new ScheduleRequest("2026-10-25T02:30:00", null, "Europe/Oslo", null).toSpec();
    assertThat(spec.at()).isEqualTo(Instant.parse("2026-10-25T00:30:00Z")); // 02:30 CEST
  }

  @Test
  void anOrdinaryLocalTimeIsReadInItsZone() {
    ScheduleSpec spec =
        new ScheduleRequest("2026-12-18T18:00:00", null, "America/New_York", null).toSpec();
    assertThat(spec.at()).isEqualTo(Instant.parse("2026-12-18T23:00:00Z"));
  }

  @Test
  void anInstantWithAnOffsetNeedsNoZone() {
    assertThat(new ScheduleRequest("2026-12-18T18:00:00+01:00", null, null, null).toSpec().at())
        .isEqualTo(Instant.parse("2026-12-18T17:00:00Z"));
  }

  @Test
  void cronAndEveryAreKeptWithTheirZoneAndDuration() {
    ScheduleSpec cron =
        new ScheduleRequest(null, "0 0 9 * * MON-FRI", "Europe/Oslo", null).toSpec();
    assertThat(cron.cron()).isEqualTo("0 0 9 * * MON-FRI");
    assertThat(cron.timeZone()).isEqualTo(ZoneId.of("Europe/Oslo"));
    assertThat(new ScheduleRequest(null, null, null, "PT5M").toSpec().every())
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void mistakesAreRefusedNamingTheField() {
    assertField(new ScheduleRequest("2026-12-18T18:00:00", null, null, null), "schedule.timeZone");
    assertField(new ScheduleRequest("next friday", null, null, null), "schedule.at");
    assertField(
        new ScheduleRequest(null, "0 0 9 * * *", "Nowhere/Special", null), "schedule.timeZone");
    assertField(new ScheduleRequest(null, null, "Europe/Oslo", "PT5M"), "schedule.timeZone");
    assertField(new ScheduleRequest(null, null, null, "five minutes"), "schedule.every");
    assertField(new ScheduleRequest(null, null, null, null), "schedule");
    assertField(new ScheduleRequest("2026-12-18T18:00:00Z", "0 0 9 * * *", null, null), "schedule");
  }

  private static void assertField(ScheduleRequest request, String field) {
    assertThatThrownBy(request::toSpec)
        .isInstanceOfSatisfying(
            InvalidScheduleException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
