package io.kairos.client;

/**
 * The body of {@code PATCH /api/v1/jobs/{id}}: at least one member; null members stay as they are.
 * A new schedule replaces the old one and the next run is computed from it as for a new job.
 */
public record ChangeJobRequest(ScheduleRequest schedule, Integer priority, Integer maxAttempts) {

  public static ChangeJobRequest schedule(ScheduleRequest schedule) {
    return new ChangeJobRequest(schedule, null, null);
  }
}
