package io.kairos.api.job;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** What {@code DELETE /api/v1/jobs?group=…} did. */
@Schema(name = "GroupCancellation")
public record GroupCancellationResponse(
    String group,
    @Schema(description = "how many jobs were cancelled") int cancelled,
    @Schema(
            description =
                "jobs of the group running right now, left alone; cancel them once their attempt"
                    + " ended")
        List<RunningJob> running) {

  /** A job a worker is running. */
  @Schema(name = "RunningJob")
  public record RunningJob(String id, String runningOn) {}
}
