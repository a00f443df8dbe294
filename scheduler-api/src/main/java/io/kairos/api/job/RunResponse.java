package io.kairos.api.job;

import io.kairos.job.JobRun;
import io.kairos.job.RunOutcome;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** One attempt of a job. */
@Schema(name = "Run")
public record RunResponse(
    int attempt,
    String node,
    Instant scheduledFor,
    Instant startedAt,
    Instant finishedAt,
    RunOutcome outcome,
    String error,
    boolean recovered,
    @Schema(
            description =
                "What the attempt reported, or null: an HTTP status and the start of the response"
                    + " body (webhook), the SMTP server's reply (email), rows deleted (retention)."
                    + " Never a credential: the request's header and query values are blanked out"
                    + " of echoed responses, and token refreshes report no token.",
            example = "HTTP 200: {\"received\":true}",
            nullable = true)
        String detail,
    @Schema(
            description =
                "the revision of the job this attempt ran: 1, then + 1 each time the job was"
                    + " replaced (PUT), so runs of an earlier definition can be told apart")
        int revision,
    @Schema(
            description =
                "the progress the attempt reported last (JobContext.progress), or null; a running"
                    + " attempt's live progress is the job's runningAttempt",
            nullable = true)
        ProgressResponse progress) {

  static RunResponse of(JobRun run) {
    return new RunResponse(
        run.attempt(),
        run.node(),
        run.scheduledFor(),
        run.startedAt(),
        run.finishedAt(),
        run.outcome(),
        run.error(),
        run.recovered(),
        run.detail(),
        run.revision(),
        ProgressResponse.of(run.progress()));
  }
}
