package io.kairos.api.job;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code PATCH /api/v1/jobs/{id}}; absent fields stay as they are. */
@Schema(
    name = "ChangeJobRequest",
    description =
        "At least one field. A new schedule replaces the old one and the job's next run is"
            + " computed from it as for a new job (an 'every' job then runs at once).")
public record ChangeJobRequest(
    ScheduleRequest schedule,
    @Schema(minimum = "-1000", maximum = "1000") Integer priority,
    @Schema(minimum = "1", maximum = "100") Integer maxAttempts) {}
