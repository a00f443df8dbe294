package io.kairos.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/**
 * A job with its live execution state: what was asked for (type, payload, schedule) and where it
 * stands (next run, the node running it, its last heartbeat, the outcome of past runs). A paused
 * job shows the next run time it will keep when resumed. {@code revision} counts the definitions
 * the id has had: 1 when created, + 1 each time it was replaced whole. {@code source} says who it
 * belongs to; {@code shadowsDeclaration} marks a job whose id a worker's configuration also
 * declares (the declaration is not applied while this job exists). {@code concurrencyKey} is the
 * key flow limits per key count it under, when the job names one (else null: its key, if any, is
 * read from its payload).
 */
public record Job(
    String id,
    String type,
    String group,
    JsonNode payload,
    ScheduleSpec schedule,
    int maxAttempts,
    int priority,
    String requestHash,
    JobState state,
    Instant nextRunAt,
    String runningOn,
    Instant lastHeartbeat,
    Instant lastSuccess,
    Instant lastFailure,
    int consecutiveFailures,
    String lastError,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    Instant finishedAt,
    Duration timeout,
    Duration misfireGrace,
    String updatedBy,
    Instant staleSince,
    int revision,
    JobSource source,
    boolean shadowsDeclaration,
    String concurrencyKey) {}
