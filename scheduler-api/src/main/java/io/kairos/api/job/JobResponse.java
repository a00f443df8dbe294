package io.kairos.api.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.job.Job;
import io.kairos.job.JobRun;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.MisfirePolicy;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.Instant;

/** A job as the API shows it. */
@Schema(name = "Job")
public record JobResponse(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String id,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String type,
    String group,
    @Schema(description = "the key flow limits per key count it under, when it was given one")
        String concurrencyKey,
    @Schema(ref = "#/components/schemas/JsonObject") JsonNode payload,
    ScheduleResponse schedule,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) JobState state,
    @Schema(description = "when it runs next; kept while PAUSED; null once final")
        Instant nextRunAt,
    @Schema(description = "the worker running it, while RUNNING") String runningOn,
    @Schema(description = "that worker's last heartbeat for it, while RUNNING")
        Instant lastHeartbeat,
    Instant lastSuccess,
    Instant lastFailure,
    int consecutiveFailures,
    String lastError,
    int maxAttempts,
    int priority,
    @Schema(description = JobFields.TIMEOUT_SHOWN) String timeout,
    @Schema(
            description =
                "how late a one-time job may still start: an ISO-8601 duration, \"none\" (no"
                    + " limit), or null for the cluster's default (kairos.default-misfire-grace)")
        String misfireGrace,
    RunResponse lastRun,
    Instant createdAt,
    @Schema(description = "the name of the API key that created it") String createdBy,
    Instant updatedAt,
    @Schema(description = "the name of the API key that changed it last") String updatedBy,
    Instant finishedAt,
    @Schema(
            description =
                "set while the stale-job watchdog finds the job overdue: a recurring job without"
                    + " success for too long, or a due one-time job nobody claimed")
        Instant staleSince,
    @Schema(
            description =
                "why a scheduled job cannot run yet, e.g. \"no live worker serves type"
                    + " invoice-reminder\", or a flow limit it waits on, \"limit customer-42: 2 of"
                    + " 2 running\"; null when nothing holds it back")
        String waitingFor,
    @Schema(
            description =
                "1 when created, + 1 each time the job was replaced whole (PUT); createdAt and"
                    + " createdBy are those of this revision")
        int revision,
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            description =
                "who it belongs to: API (any key with jobs:write may change it), CONFIG (declared"
                    + " in the workers' kairos.jobs) or SYSTEM (kept by Kairos, e.g. an OAuth"
                    + " credential's refresh job); CONFIG and SYSTEM jobs change only with an admin"
                    + " key")
        JobSource source,
    @Schema(
            description =
                "true when a worker's kairos.jobs also declares this id: the declaration is not"
                    + " applied while this job exists")
        boolean shadowsDeclaration,
    @Schema(
            description =
                "while RUNNING and read one job at a time (GET /api/v1/jobs/{id}): the running"
                    + " attempt's live progress and whether it was asked to stop; null otherwise",
            nullable = true)
        RunningAttemptResponse runningAttempt) {

  /** {@code payload}: the job's payload as it may be shown (secret values masked). */
  static JobResponse of(Job job, JsonNode payload, JobRun lastRun, String waitingFor) {
    return of(job, payload, lastRun, waitingFor, null);
  }

  static JobResponse of(
      Job job,
      JsonNode payload,
      JobRun lastRun,
      String waitingFor,
      RunningAttemptResponse runningAttempt) {
    return new JobResponse(
        job.id(),
        job.type(),
        job.group(),
        job.concurrencyKey(),
        payload,
        ScheduleResponse.of(job.schedule()),
        job.state(),
        job.nextRunAt(),
        job.runningOn(),
        job.lastHeartbeat(),
        job.lastSuccess(),
        job.lastFailure(),
        job.consecutiveFailures(),
        job.lastError(),
        job.maxAttempts(),
        job.priority(),
        text(job.timeout()),
        MisfirePolicy.text(job.misfireGrace()),
        lastRun == null ? null : RunResponse.of(lastRun),
        job.createdAt(),
        job.createdBy(),
        job.updatedAt(),
        job.updatedBy(),
        job.finishedAt(),
        job.staleSince(),
        waitingFor,
        job.revision(),
        job.source(),
        job.shadowsDeclaration(),
        runningAttempt);
  }

  private static String text(Duration duration) {
    return duration == null ? null : duration.toString();
  }
}
