package io.kairos.api.job;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The answer to a batch creation: one result per item, in the order of the request. */
@Schema(name = "BatchResult")
public record BatchResponse(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "items created") int created,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "items replayed")
        int replayed,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "items refused") int invalid,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "items in conflict")
        int conflict,
    @ArraySchema(arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED))
        List<BatchItemResponse> items) {}
