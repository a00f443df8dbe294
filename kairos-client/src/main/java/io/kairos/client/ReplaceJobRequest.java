package io.kairos.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * The body of {@code PUT /api/v1/jobs/{id}}: the whole definition of the job at that id, the body
 * of a creation without its id. Members left null take their defaults; nothing is kept from the job
 * it replaces. Usually made with {@code CreateJobRequest.builder(type)…build().withoutId()}.
 */
public record ReplaceJobRequest(
    String type,
    String group,
    JsonNode payload,
    ScheduleRequest schedule,
    Integer priority,
    Integer maxAttempts,
    String timeout,
    String misfireGrace,
    @JsonProperty("notify") List<NotifyTarget> notifyTargets,
    String concurrencyKey) {

  public ReplaceJobRequest {
    Objects.requireNonNull(type, "type");
    payload = ClientJson.tree(payload);
    notifyTargets = notifyTargets == null ? null : List.copyOf(notifyTargets);
  }

  /** A definition without a concurrency key (as before definitions had one). */
  public ReplaceJobRequest(
      String type,
      String group,
      JsonNode payload,
      ScheduleRequest schedule,
      Integer priority,
      Integer maxAttempts,
      String timeout,
      String misfireGrace,
      List<NotifyTarget> notifyTargets) {
    this(
        type,
        group,
        payload,
        schedule,
        priority,
        maxAttempts,
        timeout,
        misfireGrace,
        notifyTargets,
        null);
  }

  /** A copy of the payload: changing it changes nothing here. */
  @Override
  public JsonNode payload() {
    return ClientJson.tree(payload);
  }
}
