package io.kairos.api.job;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A page of a list; {@code nextCursor} is opaque and null on the last page. */
public record Page<T>(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<T> items,
    @Schema(description = "pass as 'cursor' for the next page; null on the last page")
        String nextCursor) {}
