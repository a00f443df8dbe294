package io.kairos.api.job;

import io.kairos.job.Progress;
import io.swagger.v3.oas.annotations.media.Schema;

/** How far an attempt has come, as its handler reported it. */
@Schema(name = "Progress")
public record ProgressResponse(
    @Schema(description = "units done", example = "950") long done,
    @Schema(description = "units in all; null when the handler does not know", example = "1000")
        Long total,
    @Schema(
            description = "a short note of the handler's (one line, at most 200 characters)",
            example = "invoices sent",
            nullable = true)
        String message) {

  static ProgressResponse of(Progress progress) {
    return progress == null
        ? null
        : new ProgressResponse(progress.done(), progress.total(), progress.message());
  }
}
