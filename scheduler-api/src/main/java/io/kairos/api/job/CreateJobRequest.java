package io.kairos.api.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code POST /api/v1/jobs}. */
public record CreateJobRequest(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "log") String type,
    @Schema(description = "unique across all jobs; [A-Za-z0-9._:-]{1,200}; generated if absent")
        String id,
    @Schema(description = "a label to list or cancel jobs together") String group,
    @Schema(description = "the job type's payload; see GET /api/v1/job-types") JsonNode payload,
    ScheduleRequest schedule,
    @Schema(description = "higher runs first among due jobs; default 0") Integer priority,
    @Schema(description = "attempts before the job is dead; default 3, 1 to 100")
        Integer maxAttempts) {}
