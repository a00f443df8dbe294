package io.kairos.api.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.history.JobRun;
import io.kairos.job.Job;
import io.kairos.job.JobState;
import io.kairos.schedule.ScheduleSpec;
import java.time.Instant;

/** A job as the API shows it. */
public record JobResponse(
    String id,
    String type,
    String group,
    JsonNode payload,
    ScheduleSpec schedule,
    JobState state,
    Instant nextRunAt,
    String runningOn,
    Instant lastHeartbeat,
    Instant lastSuccess,
    Instant lastFailure,
    int consecutiveFailures,
    String lastError,
    int maxAttempts,
    int priority,
    RunResponse lastRun,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    Instant finishedAt) {

  static JobResponse of(Job job, JobRun lastRun) {
    return new JobResponse(
        job.id(),
        job.type(),
        job.group(),
        job.payload(),
        job.schedule(),
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
        lastRun == null ? null : RunResponse.of(lastRun),
        job.createdAt(),
        job.createdBy(),
        job.updatedAt(),
        job.finishedAt());
  }
}
