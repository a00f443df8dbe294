package io.kairos.api.job;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** What {@code POST /api/v1/jobs/pause?group=…|type=…} did. */
@Schema(name = "BulkPause")
public record BulkPauseResponse(
    @Schema(description = "the group selected, if any") String group,
    @Schema(description = "the type selected, if any") String type,
    @Schema(description = "how many jobs were paused") int paused,
    @Schema(
            description =
                "selected jobs running right now, left alone; pause them once their attempt ended")
        List<GroupCancellationResponse.RunningJob> running) {}
