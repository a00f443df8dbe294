package io.kairos.job;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A job an application asks for from Java: from its own code ({@code KairosJobs}) or from a running
 * handler ({@link JobContext#schedule}); the API reads its JSON bodies into one too. {@code
 * payload} is any object Jackson writes as the type's payload (its payload record, typically); a
 * null one means {@code {}}, a null {@code schedule} means due now, a null {@code timeout} the
 * type's default (else one hour), a null {@code misfireGrace} the cluster's default. The same
 * request for the same id again is a replay and changes nothing; another one for that id is a
 * {@link JobConflict}. A {@code concurrencyKey} puts the job under the flow limits per key with
 * that key (see {@code io.kairos.limits.FlowLimit}).
 */
public record JobRequest(
    String id,
    String type,
    Object payload,
    ScheduleSpec schedule,
    String group,
    int maxAttempts,
    int priority,
    Duration timeout,
    Duration misfireGrace,
    String concurrencyKey) {

  /** Attempts of a job whose request names none, from Java, over the API or declared. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  public JobRequest {
    if (".".equals(id) || "..".equals(id)) {
      // A path segment of its own: /api/v1/jobs/.. could never reach the job.
      throw new InvalidJobException("id", "must not be '.' or '..'");
    }
    if (id == null || !NewJob.ID.matcher(id).matches()) {
      throw new InvalidJobException("id", "must match [A-Za-z0-9._:-]{1,200}");
    }
    if (type == null || type.isBlank()) {
      throw new InvalidJobException("type", "is required");
    }
    NewJob.checkMaxAttempts(maxAttempts);
    NewJob.checkPriority(priority);
    payload = payload == null ? java.util.Map.of() : payload;
    NewJob.checkConcurrencyKey(concurrencyKey);
  }

  /** Without a concurrency key of its own. */
  public JobRequest(
      String id,
      String type,
      Object payload,
      ScheduleSpec schedule,
      String group,
      int maxAttempts,
      int priority,
      Duration timeout,
      Duration misfireGrace) {
    this(id, type, payload, schedule, group, maxAttempts, priority, timeout, misfireGrace, null);
  }

  /** Job {@code id} of {@code type}, due now, with the API's defaults. */
  public static JobRequest of(String id, String type, Object payload) {
    return new JobRequest(id, type, payload, null, null, DEFAULT_MAX_ATTEMPTS, 0, null, null);
  }

  public JobRequest at(Instant when) {
    return schedule(ScheduleSpec.at(when));
  }

  public JobRequest every(Duration interval) {
    return schedule(ScheduleSpec.every(interval));
  }

  public JobRequest cron(String expression, ZoneId zone) {
    return schedule(ScheduleSpec.cron(expression, zone));
  }

  public JobRequest schedule(ScheduleSpec value) {
    return new JobRequest(
        id,
        type,
        payload,
        value,
        group,
        maxAttempts,
        priority,
        timeout,
        misfireGrace,
        concurrencyKey);
  }

  public JobRequest group(String value) {
    return new JobRequest(
        id,
        type,
        payload,
        schedule,
        value,
        maxAttempts,
        priority,
        timeout,
        misfireGrace,
        concurrencyKey);
  }

  public JobRequest maxAttempts(int value) {
    return new JobRequest(
        id, type, payload, schedule, group, value, priority, timeout, misfireGrace, concurrencyKey);
  }

  public JobRequest priority(int value) {
    return new JobRequest(
        id,
        type,
        payload,
        schedule,
        group,
        maxAttempts,
        value,
        timeout,
        misfireGrace,
        concurrencyKey);
  }

  public JobRequest timeout(Duration value) {
    return new JobRequest(
        id,
        type,
        payload,
        schedule,
        group,
        maxAttempts,
        priority,
        value,
        misfireGrace,
        concurrencyKey);
  }

  /**
   * The key flow limits per key count this job under, before any key read from its payload; null
   * for none.
   */
  public JobRequest concurrencyKey(String value) {
    return new JobRequest(
        id, type, payload, schedule, group, maxAttempts, priority, timeout, misfireGrace, value);
  }

  public JobRequest misfireGrace(Duration value) {
    return new JobRequest(
        id, type, payload, schedule, group, maxAttempts, priority, timeout, value, concurrencyKey);
  }
}
