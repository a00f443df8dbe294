package io.kairos.api.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code PATCH /api/v1/jobs/{id}}; absent fields stay as they are. */
@Schema(
    name = "ChangeJobRequest",
    description =
        "At least one field. A new schedule replaces the old one and the job's next run is"
            + " computed from it as for a new job (an 'every' job then runs at once). A payload is"
            + " a JSON Merge Patch (RFC 7396) of the job's payload: members it names change, null"
            + " removes one, the rest (secret values included) stay; a secret value given as the"
            + " mask '***' (as a read shows it) keeps the stored one; the result is checked as a"
            + " new job's payload.")
public record ChangeJobRequest(
    ScheduleRequest schedule,
    @Schema(minimum = "-1000", maximum = "1000") Integer priority,
    @Schema(minimum = "1", maximum = "100") Integer maxAttempts,
    @Schema(ref = "#/components/schemas/JsonObject") JsonNode payload) {

  public ChangeJobRequest(ScheduleRequest schedule, Integer priority, Integer maxAttempts) {
    this(schedule, priority, maxAttempts, null);
  }
}
