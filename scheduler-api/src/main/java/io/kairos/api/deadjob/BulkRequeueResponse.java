package io.kairos.api.deadjob;

import io.swagger.v3.oas.annotations.media.Schema;

/** What {@code POST /api/v1/dead-jobs/requeue?type=…|group=…} did. */
@Schema(name = "BulkRequeue")
public record BulkRequeueResponse(
    @Schema(description = "the type selected, if any") String type,
    @Schema(description = "the group selected, if any") String group,
    @Schema(description = "dead jobs run again now, from attempt 1") int requeued,
    @Schema(description = "jobs no longer dead when their turn came") int skipped) {}
