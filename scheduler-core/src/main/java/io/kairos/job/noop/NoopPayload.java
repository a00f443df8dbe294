package io.kairos.job.noop;

import io.kairos.job.InvalidJobException;
import java.time.Duration;

/** {@code {"duration": "PT2S"}}: how long the simulated work takes; absent means none. */
public record NoopPayload(Duration duration) {

  static final Duration MAX = Duration.ofHours(1);

  public NoopPayload {
    duration = duration == null ? Duration.ZERO : duration;
    if (duration.isNegative() || duration.compareTo(MAX) > 0) {
      throw new InvalidJobException("duration", "must be between PT0S and PT1H");
    }
  }
}
