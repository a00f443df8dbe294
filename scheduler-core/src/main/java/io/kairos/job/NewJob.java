package io.kairos.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.schedule.ScheduleSpec;
import java.util.Objects;
import java.util.regex.Pattern;

/** A validated request to create a job. {@code requestHash} identifies the request for replays. */
public record NewJob(
    String id,
    String type,
    String group,
    JsonNode payload,
    ScheduleSpec schedule,
    int maxAttempts,
    int priority,
    String requestHash,
    String createdBy) {

  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
  public static final int MAX_ATTEMPTS_LIMIT = 100;

  public NewJob {
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidJobException("id", "must match [A-Za-z0-9._:-]{1,200}");
    }
    if (group != null && !ID.matcher(group).matches()) {
      throw new InvalidJobException("group", "must match [A-Za-z0-9._:-]{1,200}");
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(requestHash, "requestHash");
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new InvalidJobException("maxAttempts", "must be between 1 and " + MAX_ATTEMPTS_LIMIT);
    }
  }

  public JobData firstData() {
    return JobData.first(payload, schedule, maxAttempts);
  }
}
