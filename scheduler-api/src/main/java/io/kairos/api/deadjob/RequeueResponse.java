package io.kairos.api.deadjob;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A requeued job: active again, from attempt 1, due at {@code nextRunAt}. */
@Schema(name = "Requeue")
public record RequeueResponse(
    String id,
    @Schema(description = "SCHEDULED: see GET /api/v1/jobs/{id} for its progress") String state,
    Instant nextRunAt) {}
