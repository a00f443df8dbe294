package io.kairos.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A validated request to create a job. {@code requestHash} identifies the request for replays.
 * {@code timeout} is optional: null means the timeout the worker sets for the job's type ({@code
 * kairos.worker.type-timeouts}), else its {@code kairos.worker.default-timeout} (one hour unless
 * configured), applied when the attempt starts, never no limit; {@code misfireGrace} is optional
 * too: null means the cluster's default, applied when the attempt starts (see {@link
 * MisfirePolicy}). Both are stored as null rather than as today's default. {@code notifyTargets}
 * lists who is told of the job's failures (empty: only the targets configured for every job, its
 * group or its type).
 */
public record NewJob(
    String id,
    String type,
    String group,
    JsonNode payload,
    ScheduleSpec schedule,
    int maxAttempts,
    int priority,
    String requestHash,
    String createdBy,
    Duration timeout,
    Duration misfireGrace,
    List<NotifyTarget> notifyTargets,
    String concurrencyKey) {

  public static final Pattern ID =
      Pattern.compile("(?!\\.\\.?$)[A-Za-z0-9._:-]{1,200}"); // not . or ..
  public static final int MAX_ATTEMPTS_LIMIT = 100;
  public static final int PRIORITY_LIMIT = 1000;

  public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration MAX_TIMEOUT = Duration.ofHours(24);
  public static final Duration MAX_MISFIRE_GRACE = Duration.ofDays(7);

  /** The longest concurrency key a job may have. */
  public static final int MAX_CONCURRENCY_KEY = 200;

  /** Notification targets one job may name. */
  public static final int MAX_NOTIFY_TARGETS = 10;

  /** Ids of the jobs Kairos makes itself to send notifications; not available to users. */
  public static final String NOTIFICATION_PREFIX = "notify:";

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
    checkMaxAttempts(maxAttempts);
    checkPriority(priority);
    checkTimeout(timeout);
    if (misfireGrace != null) {
      MisfirePolicy.check("misfireGrace", misfireGrace);
    }
    notifyTargets = notifyTargets == null ? List.of() : List.copyOf(notifyTargets);
    if (notifyTargets.size() > MAX_NOTIFY_TARGETS) {
      throw new InvalidJobException("notify", "names more than " + MAX_NOTIFY_TARGETS + " targets");
    }
    checkConcurrencyKey(concurrencyKey);
  }

  /** Without a concurrency key of its own. */
  public NewJob(
      String id,
      String type,
      String group,
      JsonNode payload,
      ScheduleSpec schedule,
      int maxAttempts,
      int priority,
      String requestHash,
      String createdBy,
      Duration timeout,
      Duration misfireGrace,
      List<NotifyTarget> notifyTargets) {
    this(
        id,
        type,
        group,
        payload,
        schedule,
        maxAttempts,
        priority,
        requestHash,
        createdBy,
        timeout,
        misfireGrace,
        notifyTargets,
        null);
  }

  /** Without notification targets of its own. */
  public NewJob(
      String id,
      String type,
      String group,
      JsonNode payload,
      ScheduleSpec schedule,
      int maxAttempts,
      int priority,
      String requestHash,
      String createdBy,
      Duration timeout,
      Duration misfireGrace) {
    this(
        id,
        type,
        group,
        payload,
        schedule,
        maxAttempts,
        priority,
        requestHash,
        createdBy,
        timeout,
        misfireGrace,
        List.of());
  }

  /** With the worker's timeout for its type and the cluster's default misfire grace. */
  public NewJob(
      String id,
      String type,
      String group,
      JsonNode payload,
      ScheduleSpec schedule,
      int maxAttempts,
      int priority,
      String requestHash,
      String createdBy) {
    this(
        id,
        type,
        group,
        payload,
        schedule,
        maxAttempts,
        priority,
        requestHash,
        createdBy,
        null,
        null,
        List.of());
  }

  public JobData firstData() {
    return JobData.first(payload, schedule, maxAttempts, timeout, misfireGrace);
  }

  /**
   * A concurrency key is shown, logged and compared as written: absent (null), or up to {@value
   * #MAX_CONCURRENCY_KEY} characters, not blank, without control characters.
   */
  public static void checkConcurrencyKey(String key) {
    if (key == null) {
      return;
    }
    if (key.isBlank()) {
      throw new InvalidJobException("concurrencyKey", "must not be blank; leave it out for none");
    }
    if (key.length() > MAX_CONCURRENCY_KEY) {
      throw new InvalidJobException(
          "concurrencyKey", "must be at most " + MAX_CONCURRENCY_KEY + " characters");
    }
    if (key.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidJobException("concurrencyKey", "must not contain control characters");
    }
  }

  public static void checkMaxAttempts(int maxAttempts) {
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new InvalidJobException("maxAttempts", "must be between 1 and " + MAX_ATTEMPTS_LIMIT);
    }
  }

  public static void checkPriority(int priority) {
    if (priority < -PRIORITY_LIMIT || priority > PRIORITY_LIMIT) {
      throw new InvalidJobException(
          "priority", "must be between -" + PRIORITY_LIMIT + " and " + PRIORITY_LIMIT);
    }
  }

  static void checkTimeout(Duration timeout) {
    if (timeout != null
        && (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0)) {
      throw new InvalidJobException("timeout", "must be between PT1S and PT24H");
    }
  }
}
