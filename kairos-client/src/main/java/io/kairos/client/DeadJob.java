package io.kairos.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A one-time job that failed for good: as it was asked for, and how it ended. {@code attempts} is
 * null when its history was pruned.
 */
public record DeadJob(
    String id,
    String type,
    String group,
    JsonNode payload,
    Schedule schedule,
    int maxAttempts,
    int priority,
    Integer attempts,
    String lastError,
    Instant diedAt,
    Instant createdAt,
    String createdBy) {

  public DeadJob {
    payload = ClientJson.tree(payload);
  }

  /** A copy of the payload: changing it changes nothing here. */
  @Override
  public JsonNode payload() {
    return ClientJson.tree(payload);
  }
}
