package io.kairos.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.schedule.ScheduleSpec;
import java.time.Duration;
import java.util.Objects;

/**
 * The task data db-scheduler stores with each execution (as JSON). {@code attempt} counts the
 * attempts of the current occurrence; {@code recovered} says the previous attempt of this
 * occurrence was lost with its worker; {@code timeout} (optional) bounds each attempt.
 */
public record JobData(
    JsonNode payload,
    ScheduleSpec schedule,
    int maxAttempts,
    int attempt,
    boolean recovered,
    Duration timeout) {

  public JobData {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(schedule, "schedule");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1");
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new InvalidJobException("timeout", "must be a positive duration");
    }
  }

  public static JobData first(JsonNode payload, ScheduleSpec schedule, int maxAttempts) {
    return first(payload, schedule, maxAttempts, null);
  }

  public static JobData first(
      JsonNode payload, ScheduleSpec schedule, int maxAttempts, Duration timeout) {
    return new JobData(payload, schedule, maxAttempts, 1, false, timeout);
  }

  public boolean attemptsLeft() {
    return attempt < maxAttempts;
  }

  public JobData nextAttempt() {
    return new JobData(payload, schedule, maxAttempts, attempt + 1, false, timeout);
  }

  public JobData revived() {
    return new JobData(payload, schedule, maxAttempts, attempt + 1, true, timeout);
  }

  public JobData nextOccurrence() {
    return new JobData(payload, schedule, maxAttempts, 1, false, timeout);
  }
}
