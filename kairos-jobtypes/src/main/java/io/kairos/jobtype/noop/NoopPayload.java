package io.kairos.jobtype.noop;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.kairos.job.InvalidJobException;
import java.time.Duration;

/** {@code {"duration": "PT2S"}}: how long the simulated work takes; absent means none. */
public record NoopPayload(
    @JsonPropertyDescription(
            "ISO-8601 duration of the simulated work, PT0S to PT1H; absent means none")
        Duration duration) {

  static final Duration MAX = Duration.ofHours(1);

  public NoopPayload {
    duration = duration == null ? Duration.ZERO : duration;
    if (duration.isNegative() || duration.compareTo(MAX) > 0) {
      throw new InvalidJobException("duration", "must be between PT0S and PT1H");
    }
  }
}
