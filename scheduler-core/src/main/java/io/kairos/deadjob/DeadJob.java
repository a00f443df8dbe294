package io.kairos.deadjob;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.job.ScheduleSpec;
import java.time.Instant;

/**
 * A job that failed for good: its last attempt failed permanently, or it used up its attempts. It
 * is kept as it was asked for, with how it ended, until it is requeued or deleted.
 *
 * @param attempts attempts it made in its last life (since creation or its last requeue); null if
 *     its history was deleted
 * @param lastError the error of its last attempt
 * @param diedAt when it became dead
 */
public record DeadJob(
    String id,
    String type,
    String group,
    JsonNode payload,
    ScheduleSpec schedule,
    int maxAttempts,
    int priority,
    Integer attempts,
    String lastError,
    Instant diedAt,
    Instant createdAt,
    String createdBy) {}
