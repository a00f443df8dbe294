package io.kairos.api.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
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
            pattern = "^[A-Za-z0-9._:-]{1,200}$",
            example = "reminder-42")
        String id,
    @Schema(
            description = "a label to list or cancel jobs together",
            pattern = "^[A-Za-z0-9._:-]{1,200}$")
        String group,
    @Schema(ref = "#/components/schemas/JsonObject") JsonNode payload,
    @Schema(description = "absent means now") ScheduleRequest schedule,
    @Schema(
            description = "higher runs first among due jobs; default 0",
            minimum = "-1000",
            maximum = "1000")
        Integer priority,
    @Schema(
            description = "attempts before the job is dead; default 3",
            minimum = "1",
            maximum = "100")
        Integer maxAttempts,
    @Schema(
            description =
                "ISO-8601 duration, PT1S to PT24H: the longest one attempt may run; absent means"
                    + " no limit",
            example = "PT30S")
        String timeout,
    @Schema(
            description =
                "ISO-8601 duration, PT0S to P7D, default PT1M: how late a one-time job may still"
                    + " start; an 'at' further in the past than this is refused",
            example = "PT1M")
        String misfireGrace,
    @ArraySchema(
            arraySchema =
                @Schema(
                    description =
                        "who is told when this job fails, dies, is missed, goes stale or is"
                            + " recovered (besides the targets configured on the workers); at"
                            + " most 10"),
            maxItems = 10)
        @JsonProperty("notify")
        List<NotifyRequest> notifyTargets) {}
