package io.kairos.client;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of {@code PATCH /api/v1/jobs/{id}}: at least one member; null members stay as they are.
 * A new schedule replaces the old one and the next run is computed from it as for a new job.
 *
 * <p>{@code payload} is a JSON Merge Patch (RFC 7396) of the job's payload: members it names
 * change, a JSON {@code null} member removes one, the others stay (secret values included). A
 * secret value sent as the mask {@code ***} a read shows keeps the stored secret, so a payload read
 * with {@link KairosClient#get} can be changed and sent back whole.
 *
 * <p>{@code expectedVersion} is not part of the body: it is sent as {@code If-Match}, and the
 * change is refused with {@link StaleJobVersionException} when the job's definition is no longer
 * that version ({@link VersionedJob#version()}). Null changes whatever version is stored.
 */
public record ChangeJobRequest(
    ScheduleRequest schedule,
    Integer priority,
    Integer maxAttempts,
    JsonNode payload,
    @JsonIgnore String expectedVersion) {

  public ChangeJobRequest {
    payload = ClientJson.tree(payload);
  }

  public ChangeJobRequest(ScheduleRequest schedule, Integer priority, Integer maxAttempts) {
    this(schedule, priority, maxAttempts, null, null);
  }

  public static ChangeJobRequest schedule(ScheduleRequest schedule) {
    return new ChangeJobRequest(schedule, null, null);
  }

  /**
   * A merge patch of the payload: a {@link JsonNode}, a {@code Map} or any object Jackson writes as
   * a JSON object. A {@code Map} value of null removes that member.
   */
  public static ChangeJobRequest payload(Object mergePatch) {
    return new ChangeJobRequest(null, null, null, ClientJson.patch(mergePatch), null);
  }

  /** This change, applied only while the job's definition is {@code version} (If-Match). */
  public ChangeJobRequest withExpectedVersion(String version) {
    return new ChangeJobRequest(schedule, priority, maxAttempts, payload, version);
  }

  /** A copy of the payload patch: changing it changes nothing here. */
  @Override
  public JsonNode payload() {
    return ClientJson.tree(payload);
  }
}
