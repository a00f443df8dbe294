package io.kairos.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.schedule.ScheduleSpec;
import java.util.Objects;

/**
 * The task data db-scheduler stores with each execution (as JSON). {@code attempt} counts the
 * attempts of the current occurrence; {@code recovered} says the previous attempt of this
 * occurrence was lost with its worker.
 */
public record JobData(
    JsonNode payload, ScheduleSpec schedule, int maxAttempts, int attempt, boolean recovered) {

  public JobData {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(schedule, "schedule");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1");
    }
  }

  public static JobData first(JsonNode payload, ScheduleSpec schedule, int maxAttempts) {
    return new JobData(payload, schedule, maxAttempts, 1, false);
  }

  public boolean attemptsLeft() {
    return attempt < maxAttempts;
  }

  public JobData nextAttempt() {
    return new JobData(payload, schedule, maxAttempts, attempt + 1, false);
  }

  public JobData revived() {
    return new JobData(payload, schedule, maxAttempts, attempt + 1, true);
  }

  public JobData nextOccurrence() {
    return new JobData(payload, schedule, maxAttempts, 1, false);
  }
}
