package io.kairos.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The body of {@code POST /api/v1/jobs}. Only {@code type} is required: without an {@code id} the
 * API makes one up (then a retried request creates a second job, so give your own id where a retry
 * may happen); without a {@code schedule} the job runs now. {@code payload} is the type's payload,
 * a JSON object ({@code GET /api/v1/job-types} gives its schema). {@code timeout} is an ISO-8601
 * duration; {@code misfireGrace} is one too, or {@code "none"}. Null members are left out of the
 * request, so they take the API's defaults.
 */
public record CreateJobRequest(
    String type,
    String id,
    String group,
    JsonNode payload,
    ScheduleRequest schedule,
    Integer priority,
    Integer maxAttempts,
    String timeout,
    String misfireGrace,
    @JsonProperty("notify") List<NotifyTarget> notifyTargets,
    String concurrencyKey) {

  public CreateJobRequest {
    Objects.requireNonNull(type, "type");
    payload = ClientJson.tree(payload);
    notifyTargets = notifyTargets == null ? null : List.copyOf(notifyTargets);
  }

  /** A request without a concurrency key (as before requests had one). */
  public CreateJobRequest(
      String type,
      String id,
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
        id,
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

  /** The same definition as the body of {@code PUT /api/v1/jobs/{id}}, which takes no id. */
  public ReplaceJobRequest withoutId() {
    return new ReplaceJobRequest(
        type,
        group,
        payload,
        schedule,
        priority,
        maxAttempts,
        timeout,
        misfireGrace,
        notifyTargets,
        concurrencyKey);
  }

  /** A request for a job of {@code type}; set the rest on the builder. */
  public static Builder builder(String type) {
    return new Builder(type);
  }

  /** Builds a {@link CreateJobRequest}; not thread-safe, the request it builds is. */
  public static final class Builder {
    private final String type;
    private String id;
    private String group;
    private JsonNode payload;
    private ScheduleRequest schedule;
    private Integer priority;
    private Integer maxAttempts;
    private String timeout;
    private String misfireGrace;
    private List<NotifyTarget> notifyTargets;
    private String concurrencyKey;

    private Builder(String type) {
      this.type = Objects.requireNonNull(type, "type");
    }

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder group(String group) {
      this.group = group;
      return this;
    }

    /** The payload: a {@link JsonNode}, a map, or any object Jackson writes as a JSON object. */
    public Builder payload(Object payload) {
      this.payload = ClientJson.tree(payload);
      return this;
    }

    public Builder schedule(ScheduleRequest schedule) {
      this.schedule = schedule;
      return this;
    }

    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout == null ? null : timeout.toString();
      return this;
    }

    public Builder misfireGrace(Duration grace) {
      this.misfireGrace = grace == null ? null : grace.toString();
      return this;
    }

    /** A one-time job that runs however late it is found (misfire grace {@code none}). */
    public Builder noMisfireGrace() {
      this.misfireGrace = "none";
      return this;
    }

    public Builder notifyTarget(NotifyTarget target) {
      if (notifyTargets == null) {
        notifyTargets = new ArrayList<>();
      }
      notifyTargets.add(Objects.requireNonNull(target, "target"));
      return this;
    }

    /**
     * The key flow limits per key count this job under (up to 200 characters, not blank); it comes
     * before any key they read from the payload.
     */
    public Builder concurrencyKey(String concurrencyKey) {
      this.concurrencyKey = concurrencyKey;
      return this;
    }

    public CreateJobRequest build() {
      return new CreateJobRequest(
          type,
          id,
          group,
          payload,
          schedule,
          priority,
          maxAttempts,
          timeout,
          misfireGrace,
          notifyTargets,
          concurrencyKey);
    }
  }
}
