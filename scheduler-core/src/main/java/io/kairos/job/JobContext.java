package io.kairos.job;

import java.time.Instant;

/**
 * What a handler knows about the attempt it runs. {@link #occurrenceId()} is stable across the
 * attempts of one occurrence, including a re-run after a worker crash, so side effects can carry it
 * as an idempotency key.
 */
public record JobContext(
    String jobId,
    String jobType,
    Instant scheduledFor,
    int attempt,
    boolean recovered,
    String node) {

  public String occurrenceId() {
    return jobId + "@" + scheduledFor.toEpochMilli();
  }
}
