package io.kairos.api.job;

import io.kairos.running.AttemptSignalStore;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** What is known about the attempt running a job now, read live from its worker's reports. */
@Schema(name = "RunningAttempt")
public record RunningAttemptResponse(
    @Schema(
            description =
                "the progress it reported last (the worker writes it about once a second,"
                    + " kairos.worker.signal-check); null until it reports some",
            nullable = true)
        ProgressResponse progress,
    @Schema(description = "when its worker wrote that progress", nullable = true)
        Instant progressAt,
    @Schema(
            description =
                "when an operator asked it to stop (POST /api/v1/jobs/{id}/cancel-attempt); null"
                    + " unless asked",
            nullable = true)
        Instant cancelRequestedAt,
    @Schema(description = "the name of the API key that asked it to stop", nullable = true)
        String cancelRequestedBy) {

  static final RunningAttemptResponse NOTHING_REPORTED =
      new RunningAttemptResponse(null, null, null, null);

  static RunningAttemptResponse of(AttemptSignalStore.Signals signals) {
    return new RunningAttemptResponse(
        ProgressResponse.of(signals.progress()),
        signals.progressAt(),
        signals.cancelRequestedAt(),
        signals.cancelRequestedBy());
  }
}
