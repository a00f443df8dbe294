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
import io.kairos.job.NotifyTarget;
import io.kairos.job.ScheduleSpec;
import io.kairos.notification.Notifications;
import io.kairos.serialization.RequestHash;
import java.util.List;

/**
 * The one translation of a request into the {@link NewJob} the registry creates, whoever asks: the
 * API (its body read into a {@link JobRequest}), an application's own code ({@code KairosJobs}) and
 * a handler's follow-up ({@link io.kairos.job.JobContext#schedule}). Every request is checked
 * alike, each failure an {@link InvalidJobException} naming the field: the id (not one of Kairos's
 * notifications), the type, the payload (its text, then bound to its record or checked against the
 * published schema of another application's type), the notification targets (as their jobs would
 * be), the rest by {@link NewJob} itself. What only some callers add stays with them: the API's
 * generated ids, reserved ids, quotas, and its refusal of an {@code at} already beyond its misfire
 * grace.
 *
 * <p>The request hash, which makes the same request again a replay, has one recipe: the {@link
 * RequestHash} of the request as its caller wrote it, id included — the API's JSON body, or the
 * {@link JobRequest} as Kairos's mapper writes it. Both are what earlier releases hashed, so jobs
 * they stored still replay.
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
   * A job asked for from Java, without notification targets of its own.
   *
   * @throws InvalidJobException naming the field, as the API would
   */
  public NewJob toNewJob(JobRequest request, String createdBy) {
    return toNewJob(request, List.of(), request, createdBy, false);
  }

  /**
   * @param notify the job's own notification targets
   * @param asWritten the request as its caller wrote it, hashed with the job's id (for the API: its
   *     JSON body)
   * @param operator whether the creator is an operator (an admin key), who may use any stored
   *     credential within its targets
   * @throws InvalidJobException naming the field
   */
  public NewJob toNewJob(
      JobRequest request,
      List<NotifyTarget> notify,
      Object asWritten,
      String createdBy,
      boolean operator) {
    if (startsWithIgnoringCase(request.id(), NewJob.NOTIFICATION_PREFIX)) {
      throw new InvalidJobException(
          "id",
          "must not start with '" + NewJob.NOTIFICATION_PREFIX + "' (Kairos's notifications)");
    }
    JobType<?> type = catalogue.require(request.type());
    JsonNode payload = payload(request.payload());
    PayloadText.check("payload", payload);
    catalogue.credentialUses().check(catalogue.bind(type, payload), createdBy, operator);
    for (int i = 0; i < notify.size(); i++) {
      try {
        Notifications.check(catalogue, notify.get(i), json);
      } catch (InvalidJobException e) {
        throw new InvalidJobException("notify[" + i + "]." + e.field(), e.reason());
      }
    }
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
        hash(asWritten, request.id()),
        createdBy,
        request.timeout(),
        request.misfireGrace(),
        notify,
        request.concurrencyKey());
  }

  /**
   * The new payload of an existing job of {@code type}, checked as a new job's payload is.
   *
   * @throws InvalidJobException naming the field
   */
  public JsonNode checkPayload(String type, JsonNode given, String changedBy, boolean operator) {
    JobType<?> jobType = catalogue.require(type);
    JsonNode payload = payload(given);
    PayloadText.check("payload", payload);
    catalogue.credentialUses().check(catalogue.bind(jobType, payload), changedBy, operator);
    return payload;
  }

  /** Reserved prefixes hold whatever the case: OAUTH-REFRESH:crm would look like Kairos's own. */
  public static boolean startsWithIgnoringCase(String id, String prefix) {
    return id.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  /** Absent (or JSON null) means {@code {}}. */
  private JsonNode payload(Object given) {
    if (given instanceof JsonNode node) {
      return node.isNull() || node.isMissingNode() ? json.createObjectNode() : node;
    }
    return given == null ? json.createObjectNode() : json.valueToTree(given);
  }

  /**
   * The request as written, with object members sorted and null ones left out, hashed: a retry
   * matches however its JSON is ordered, and a field added later (absent, so null) does not change
   * the hashes of older requests. Due-now requests have no instant in them, so a retry of one is
   * still a replay.
   */
  private String hash(Object asWritten, String id) {
    ObjectNode tree = json.valueToTree(asWritten);
    tree.put("id", id);
    return RequestHash.of(json, tree);
  }
}
