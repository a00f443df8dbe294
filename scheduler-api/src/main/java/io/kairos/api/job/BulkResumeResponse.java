package io.kairos.api.job;

import io.swagger.v3.oas.annotations.media.Schema;

/** What {@code POST /api/v1/jobs/resume?group=…|type=…} did. */
@Schema(name = "BulkResume")
public record BulkResumeResponse(
    @Schema(description = "the group selected, if any") String group,
    @Schema(description = "the type selected, if any") String type,
    @Schema(description = "how many paused jobs were resumed") int resumed) {}
