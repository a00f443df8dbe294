package io.kairos.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobRequest;
import io.kairos.job.JobType;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.serialization.RequestHash;

/**
 * Turns a {@link JobRequest} made in Java into the {@link NewJob} the registry creates: the payload
 * written by Kairos's JSON mapper and checked as the API checks it (bound to its record, or against
 * the published schema of another application's type), and a request hash so the same request again
 * is a replay.
 */
public final class JobRequests {

  private final JobCatalogue catalogue;
  private final ObjectMapper json;
  private final Clock clock;

  public JobRequests(JobCatalogue catalogue, ObjectMapper json, Clock clock) {
    this.catalogue = catalogue;
    this.json = json;
    this.clock = clock;
  }

  /**
   * @throws InvalidJobException naming the field, as the API would
   */
  public NewJob toNewJob(JobRequest request, String createdBy) {
    JobType<?> type = catalogue.require(request.type());
    JsonNode payload =
        request.payload() == null ? json.createObjectNode() : json.valueToTree(request.payload());
    catalogue.credentialUses().check(catalogue.bind(type, payload), createdBy, false);
    ScheduleSpec schedule =
        request.schedule() == null ? ScheduleSpec.at(clock.now()) : request.schedule();
    return new NewJob(
        request.id(),
        type.name(),
        request.group(),
        payload,
        schedule,
        request.maxAttempts(),
        request.priority(),
        hash(request, payload),
        createdBy,
        request.timeout(),
        request.misfireGrace());
  }

  /** Due-now requests hash without their instant, so a retry of one is still a replay. */
  private String hash(JobRequest request, JsonNode payload) {
    ObjectNode fields = json.createObjectNode();
    fields.put("id", request.id());
    fields.put("type", request.type());
    fields.set("payload", payload);
    fields.set(
        "schedule", request.schedule() == null ? null : json.valueToTree(request.schedule()));
    fields.put("group", request.group());
    fields.put("maxAttempts", request.maxAttempts());
    fields.put("priority", request.priority());
    fields.put("timeout", request.timeout() == null ? null : request.timeout().toString());
    fields.put(
        "misfireGrace", request.misfireGrace() == null ? null : request.misfireGrace().toString());
    return RequestHash.of(json, fields);
  }
}
