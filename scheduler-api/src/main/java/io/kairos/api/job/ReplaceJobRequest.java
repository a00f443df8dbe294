package io.kairos.api.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.job.NewJob;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The body of {@code PUT /api/v1/jobs/{id}}: the body of {@code POST /api/v1/jobs} without the id,
 * which the path gives. Validated and hashed exactly as that body with the path's id, so a PUT and
 * a POST of the same definition are the same request.
 */
@Schema(
    name = "ReplaceJobRequest",
    description =
        "The whole definition of the job at this id: the body of POST /api/v1/jobs without id."
            + " Fields left out take their defaults; nothing is kept from the job it replaces, so"
            + " a secret payload value given as the mask '***' (as a read shows it) is refused.")
public record ReplaceJobRequest(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "email") String type,
    @Schema(description = JobFields.GROUP, pattern = JobFields.ID_PATTERN) String group,
    @Schema(ref = "#/components/schemas/JsonObject") JsonNode payload,
    @Schema(description = JobFields.SCHEDULE) ScheduleRequest schedule,
    @Schema(
            description = JobFields.PRIORITY,
            minimum = JobFields.PRIORITY_MIN,
            maximum = JobFields.PRIORITY_MAX)
        Integer priority,
    @Schema(
            description = JobFields.MAX_ATTEMPTS,
            minimum = "1",
            maximum = JobFields.MAX_ATTEMPTS_MAX)
        Integer maxAttempts,
    @Schema(description = JobFields.TIMEOUT, example = "PT30S") String timeout,
    @Schema(description = JobFields.MISFIRE_GRACE, example = "PT5M") String misfireGrace,
    @ArraySchema(
            arraySchema = @Schema(description = JobFields.NOTIFY),
            maxItems = JobFields.NOTIFY_MAX)
        @JsonProperty("notify")
        List<NotifyRequest> notifyTargets,
    @Schema(
            description = JobFields.CONCURRENCY_KEY,
            minLength = 1,
            maxLength = NewJob.MAX_CONCURRENCY_KEY,
            example = "customer-42")
        String concurrencyKey) {

  /** The same definition as a POST body for {@code id}. */
  CreateJobRequest withId(String id) {
    return new CreateJobRequest(
        type,
        id,
        group,
        payload,
        schedule,
        priority,
        maxAttempts,
        timeout,
        misfireGrace,
        notifyTargets,
        concurrencyKey);
  }
}
