package io.kairos.job;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a handler knows about the attempt it runs. {@link #occurrenceId()} is stable across the
 * attempts of one occurrence, including a re-run after a worker crash, so side effects can carry it
 * as an idempotency key. {@link #report(String)} leaves a short note in the attempt's history (rows
 * deleted, a response status).
 */
public record JobContext(
    String jobId,
    String jobType,
    Instant scheduledFor,
    int attempt,
    boolean recovered,
    String node,
    AtomicReference<String> detail) {

  public static final int MAX_DETAIL_LENGTH = 2000;

  public JobContext(
      String jobId,
      String jobType,
      Instant scheduledFor,
      int attempt,
      boolean recovered,
      String node) {
    this(jobId, jobType, scheduledFor, attempt, recovered, node, new AtomicReference<>());
  }

  public String occurrenceId() {
    return jobId + "@" + scheduledFor.toEpochMilli();
  }

  /** Replaces this attempt's note (bounded to {@value #MAX_DETAIL_LENGTH} characters). */
  public void report(String text) {
    detail.set(
        text == null || text.length() <= MAX_DETAIL_LENGTH
            ? text
            : text.substring(0, MAX_DETAIL_LENGTH - 1) + "…");
  }

  public String reported() {
    return detail.get();
  }
}
