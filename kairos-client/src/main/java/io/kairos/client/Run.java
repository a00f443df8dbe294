package io.kairos.client;

import java.time.Instant;

/**
 * One attempt of a job. {@code detail} is what the attempt reported (an HTTP status and the start
 * of a webhook's response, an SMTP reply, …); {@code revision} is the revision of the job it ran.
 */
public record Run(
    int attempt,
    String node,
    Instant scheduledFor,
    Instant startedAt,
    Instant finishedAt,
    RunOutcome outcome,
    String error,
    boolean recovered,
    String detail,
    int revision) {}
