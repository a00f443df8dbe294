package io.kairos.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateStartsTests {

  private static final FlowLimit TEN_PER_SECOND =
      new FlowLimit("mail", null, null, null, 10, Duration.ofSeconds(1));

  @Test
  void aStartIsCountedAtLeastUntilItMustBeAndLessThanATenthOfTheIntervalLonger() {
    Instant exact = Instant.parse("2026-12-04T10:00:00.123456789Z");
    Instant until = RateStarts.countedUntil(TEN_PER_SECOND, exact);
    assertThat(until).isAfterOrEqualTo(exact).isBefore(exact.plusMillis(100));
    assertThat(until).isEqualTo(Instant.parse("2026-12-04T10:00:00.200Z"));
    // A time already on a tenth stays where it is.
    assertThat(RateStarts.countedUntil(TEN_PER_SECOND, until)).isEqualTo(until);
  }

  @Test
  void startsWithinATenthOfTheIntervalShareOneCount() {
    Instant first = Instant.parse("2026-12-04T10:00:00.101Z");
    Instant last = Instant.parse("2026-12-04T10:00:00.199999Z");
    assertThat(RateStarts.countedUntil(TEN_PER_SECOND, first))
        .isEqualTo(RateStarts.countedUntil(TEN_PER_SECOND, last));
    assertThat(RateStarts.countedUntil(TEN_PER_SECOND, last.plusNanos(2_000)))
        .isEqualTo(Instant.parse("2026-12-04T10:00:00.300Z"));
  }

  @Test
  void theStartAClaimLogsOutlastsItsWindowAndTheIntervalAfterIt() {
    Instant claimed = Instant.parse("2026-12-04T10:00:00.000001Z");
    Instant lastStart = claimed.plus(RateStarts.windowOf(TEN_PER_SECOND));
    assertThat(RateStarts.expiryOf(TEN_PER_SECOND, claimed))
        .isAfterOrEqualTo(lastStart.plus(TEN_PER_SECOND.per()));
  }
}
