package io.kairos.job;

import java.time.Instant;

/**
 * One attempt of one job, as kept in history; {@code revision} is the job's revision it ran (see
 * {@link Job#revision()}); {@code progress} is what it reported last, or null.
 */
public record JobRun(
    long id,
    String jobId,
    String jobType,
    int attempt,
    String node,
    Instant scheduledFor,
    Instant startedAt,
    Instant finishedAt,
    RunOutcome outcome,
    String error,
    boolean recovered,
    String detail,
    int revision,
    Progress progress) {}
