package io.kairos.api.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.job.NewJob;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The body of {@code POST /api/v1/jobs}. {@code payload} is the job type's payload, a JSON object
 * (its schema: {@code GET /api/v1/job-types}).
 */
@Schema(
    name = "CreateJobRequest",
    description =
        "A job to schedule. payload is the job type's payload, a JSON object whose JSON Schema is"
            + " listed by GET /api/v1/job-types; absent means {}.")
public record CreateJobRequest(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "log") String type,
    @Schema(
            description = "unique across all jobs; generated if absent",
            pattern = JobFields.ID_PATTERN,
            example = "reminder-42")
        String id,
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
        String concurrencyKey) {}
