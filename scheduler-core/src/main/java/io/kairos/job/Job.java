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
 * read from its payload). {@link #version()} names its definition as it is now, for changes that
 * must not overwrite a change made since their read.
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
    String concurrencyKey) {

  /**
   * A name of the job's definition (type, payload as stored, schedule, priority, attempts, timeout,
   * misfire grace, concurrency key, revision): it changes with every change or replacement of the
   * job and stays the same while the job only runs, so a form opened before a run still applies
   * after it.
   */
  public String version() {
    String definition =
        String.join(
            "\n",
            type,
            String.valueOf(payload),
            String.valueOf(schedule),
            String.valueOf(priority),
            String.valueOf(maxAttempts),
            String.valueOf(timeout),
            String.valueOf(misfireGrace),
            String.valueOf(concurrencyKey),
            String.valueOf(revision));
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(definition.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
