package io.kairos.api.job;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The body of {@code POST /api/v1/jobs/batch}: jobs to create, each as {@code POST /jobs} takes.
 */
@Schema(
    name = "CreateJobsRequest",
    description =
        "Jobs to create in one request, each the body of POST /api/v1/jobs; ids distinct.")
public record CreateJobsRequest(
    @ArraySchema(
            schema = @Schema(implementation = CreateJobRequest.class),
            arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED),
            minItems = 1,
            maxItems = JobCreation.MAX_BATCH)
        List<CreateJobRequest> jobs) {}
