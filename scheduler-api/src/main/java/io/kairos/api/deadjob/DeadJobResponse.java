package io.kairos.api.deadjob;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.api.job.ScheduleResponse;
import io.kairos.deadjob.DeadJob;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A dead job: as it was asked for, and how it ended. */
@Schema(name = "DeadJob")
public record DeadJobResponse(
    String id,
    String type,
    String group,
    @Schema(ref = "#/components/schemas/JsonObject") JsonNode payload,
    ScheduleResponse schedule,
    int maxAttempts,
    int priority,
    @Schema(description = "attempts made in its last life; null if its history was pruned")
        Integer attempts,
    @Schema(description = "the error of its last attempt") String lastError,
    @Schema(description = "when it became dead") Instant diedAt,
    Instant createdAt,
    String createdBy) {

  /** {@code payload}: the job's payload as it may be shown (secret values masked). */
  static DeadJobResponse of(DeadJob job, JsonNode payload) {
    return new DeadJobResponse(
        job.id(),
        job.type(),
        job.group(),
        payload,
        job.schedule() == null ? null : ScheduleResponse.of(job.schedule()),
        job.maxAttempts(),
        job.priority(),
        job.attempts(),
        job.lastError(),
        job.diedAt(),
        job.createdAt(),
        job.createdBy());
  }
}
