package io.kairos.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A client's cron is bounded so that its occurrences are cheap to compute, and holds nothing but
 * printable ASCII; a schedule read back from the database is not held to these bounds.
 */
class CronBoundsTests {

  static final ZoneId UTC = ZoneId.of("UTC");

  @Test
  void aCronThatIsTooLongOrListsTooManyValuesIsRefused() {
    String hugeList =
        IntStream.range(0, 20_000).mapToObj(i -> "7").collect(Collectors.joining(","));
    String thirtyValues =
        IntStream.range(0, 30).mapToObj(Integer::toString).collect(Collectors.joining(","));
    for (String cron :
        List.of(
            hugeList + " * * * *",
            thirtyValues + " * * * *",
            "0 0 0 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25 * ?",
            "0  " + " ".repeat(100) + "0 * * *")) {
      assertThatThrownBy(() -> ScheduleSpec.cron(cron, UTC))
          .as(cron.substring(0, 30))
          .isInstanceOfSatisfying(
              InvalidScheduleException.class,
              e -> assertThat(e.field()).isEqualTo("schedule.cron"));
    }
    ScheduleSpec.cron("0,15,30,45 9-17 * * MON-FRI", UTC);
    ScheduleSpec.cron("0 0 0 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18 * ?", UTC);
  }

  @Test
  void aCronWithALineBreakATabOrADigitOfAnotherScriptIsRefused() {
    for (String cron :
        List.of(
            "0 0 * * *\r\n",
            "0\t0 * * *",
            "0 0 * * *\n0 1 * * *",
            "\u0661 * * * *",
            "0 0 * * *\u00a0")) {
      assertThatThrownBy(() -> ScheduleSpec.cron(cron, UTC))
          .as(cron)
          .isInstanceOfSatisfying(
              InvalidScheduleException.class,
              e -> assertThat(e.field()).isEqualTo("schedule.cron"));
    }
  }

  @Test
  void aScheduleReadBackIsNotHeldToTheBoundsOfNewOnes() {
    String thirtyValues =
        IntStream.range(0, 30).mapToObj(Integer::toString).collect(Collectors.joining(","));
    ScheduleSpec stored = new ScheduleSpec(null, thirtyValues + " * * * *", UTC, null, null);
    assertThat(stored.cron()).startsWith("0,1,2");
    // Read again and again (every read of the job builds it): checked once, parsed once.
    for (int i = 0; i < 1000; i++) {
      new ScheduleSpec(null, thirtyValues + " * * * *", UTC, null, null);
    }
    assertThat(Crons.knownValid(thirtyValues + " * * * *")).isTrue();
  }
}
