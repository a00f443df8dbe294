package io.kairos.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import java.time.Duration;
import java.util.Objects;

/**
 * The task data db-scheduler stores with each execution (as JSON). {@code attempt} counts the
 * attempts of the current occurrence; {@code recovered} says the previous attempt of this
 * occurrence was lost with its worker. {@code timeout} (null: none) bounds one attempt; {@code
 * misfireGrace} (null: the default) is how late a one-time job may still start. {@code traceParent}
 * (null: none) is the W3C trace context of whatever created the job, so that its attempts join that
 * trace ({@link io.kairos.tracing.AttemptSpan}). All three are left out of the JSON when null, so
 * task data written before they existed reads the same.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobData(
    JsonNode payload,
    ScheduleSpec schedule,
    int maxAttempts,
    int attempt,
    boolean recovered,
    Duration timeout,
    Duration misfireGrace,
    String traceParent) {

  public JobData {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(schedule, "schedule");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1");
    }
  }

  /** Without a creator's trace context. */
  public JobData(
      JsonNode payload,
      ScheduleSpec schedule,
      int maxAttempts,
      int attempt,
      boolean recovered,
      Duration timeout,
      Duration misfireGrace) {
    this(payload, schedule, maxAttempts, attempt, recovered, timeout, misfireGrace, null);
  }

  /** Without timeout and misfire grace, as task data was before they existed. */
  public JobData(
      JsonNode payload, ScheduleSpec schedule, int maxAttempts, int attempt, boolean recovered) {
    this(payload, schedule, maxAttempts, attempt, recovered, null, null);
  }

  public static JobData first(JsonNode payload, ScheduleSpec schedule, int maxAttempts) {
    return new JobData(payload, schedule, maxAttempts, 1, false);
  }

  public static JobData first(
      JsonNode payload, ScheduleSpec schedule, int maxAttempts, Duration timeout) {
    return new JobData(payload, schedule, maxAttempts, 1, false, timeout, null);
  }

  public static JobData first(
      JsonNode payload,
      ScheduleSpec schedule,
      int maxAttempts,
      Duration timeout,
      Duration misfireGrace) {
    return new JobData(payload, schedule, maxAttempts, 1, false, timeout, misfireGrace);
  }

  /** This data as db-scheduler's task instance of job {@code id} of {@code type}. */
  public TaskInstance<JobData> instance(String type, String id, int priority) {
    return new TaskInstance.Builder<JobData>(type, id).data(this).priority(priority).build();
  }

  /** The same data, remembering the trace context ({@code traceparent}) of its creator. */
  public JobData withTraceParent(String value) {
    return new JobData(
        payload, schedule, maxAttempts, attempt, recovered, timeout, misfireGrace, value);
  }

  public boolean attemptsLeft() {
    return attempt < maxAttempts;
  }

  public JobData nextAttempt() {
    return new JobData(
        payload, schedule, maxAttempts, attempt + 1, false, timeout, misfireGrace, traceParent);
  }

  public JobData revived() {
    return new JobData(
        payload, schedule, maxAttempts, attempt + 1, true, timeout, misfireGrace, traceParent);
  }

  public JobData nextOccurrence() {
    return new JobData(
        payload, schedule, maxAttempts, 1, false, timeout, misfireGrace, traceParent);
  }

  /**
   * The same job with another schedule or attempt limit; a new schedule starts a new occurrence.
   */
  public JobData changed(ScheduleSpec newSchedule, int newMaxAttempts) {
    return changed(payload, newSchedule, newMaxAttempts);
  }

  /** The same job with another payload too: the next attempt runs with {@code newPayload}. */
  public JobData changed(JsonNode newPayload, ScheduleSpec newSchedule, int newMaxAttempts) {
    boolean rescheduled = !newSchedule.equals(schedule);
    return new JobData(
        newPayload,
        newSchedule,
        newMaxAttempts,
        rescheduled ? 1 : Math.min(attempt, newMaxAttempts),
        !rescheduled && recovered,
        timeout,
        misfireGrace,
        traceParent);
  }
}
