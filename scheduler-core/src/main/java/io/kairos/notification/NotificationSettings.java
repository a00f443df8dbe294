package io.kairos.notification;

import io.kairos.job.NotifyTarget;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Who hears of which events besides the targets a job names itself: {@code rules}, each a target
 * for every job ({@code group} and {@code type} null), the jobs of a group, of a type, or both.
 *
 * @param minInterval at most one notification per job and event within this
 * @param maxAttempts attempts of each notification job (tier 2; tier 1 retries within each)
 */
public record NotificationSettings(List<Rule> rules, Duration minInterval, int maxAttempts) {

  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofMinutes(15);
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** No configured targets: only those jobs name themselves. */
  public static final NotificationSettings DEFAULTS =
      new NotificationSettings(List.of(), DEFAULT_MIN_INTERVAL, DEFAULT_MAX_ATTEMPTS);

  public NotificationSettings {
    rules = List.copyOf(rules);
    Objects.requireNonNull(minInterval, "minInterval");
    if (minInterval.isNegative()) {
      throw new IllegalArgumentException("min-interval must not be negative");
    }
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new IllegalArgumentException("max-attempts must be between 1 and 100");
    }
  }

  /**
   * A target for the jobs that match: all of them, or those of {@code group} and/or {@code type}.
   */
  public record Rule(String group, String type, NotifyTarget target) {

    public Rule {
      Objects.requireNonNull(target, "target");
    }

    public static Rule everyJob(NotifyTarget target) {
      return new Rule(null, null, target);
    }

    boolean matches(String jobType, String jobGroup) {
      return (group == null || group.equals(jobGroup)) && (type == null || type.equals(jobType));
    }
  }
}
