package io.kairos.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A job as the API shows it: its definition (secret payload values shown as {@code ***}), state,
 * next and last run. {@code timeout} is an ISO-8601 duration or null (the worker's timeout for the
 * type, else one hour); {@code misfireGrace} one too, {@code none}, or null (the cluster's
 * default). {@code concurrencyKey} is the job's own key for flow limits, or null.
 */
public record Job(
    String id,
    String type,
    String group,
    JsonNode payload,
    Schedule schedule,
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
    String timeout,
    String misfireGrace,
    Run lastRun,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    String updatedBy,
    Instant finishedAt,
    Instant staleSince,
    int revision,
    JobSource source,
    boolean shadowsDeclaration,
    String concurrencyKey) {

  public Job {
    payload = ClientJson.tree(payload);
  }

  /** A copy of the payload: changing it changes nothing here. */
  @Override
  public JsonNode payload() {
    return ClientJson.tree(payload);
  }
}
