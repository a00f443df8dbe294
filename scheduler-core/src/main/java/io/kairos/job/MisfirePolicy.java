package io.kairos.job;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * How late a one-time job may start and still run. A job's own {@code misfireGrace} is one of three
 * things: absent (null: the cluster's default, {@link #defaultGrace()}, applied by the worker when
 * the attempt starts, so changing the setting changes every job that has none), a duration (PT0S to
 * P7D), or {@link #NONE}: no limit, the job runs however late.
 *
 * <p>{@link #NONE} is a real duration (a hundred years) rather than a marker, so task data holding
 * it reads as a duration in every worker and no lateness ever exceeds it; the API shows it as
 * {@code "none"} and the registry stores it as {@code none}.
 */
public record MisfirePolicy(Duration defaultGrace) {

  /** No limit: run however late. */
  public static final Duration NONE = Duration.ofDays(36525);

  /** The text clients and the registry use for {@link #NONE}. */
  public static final String NONE_TEXT = "none";

  /**
   * The default of the cluster setting: five minutes, so a job delayed by a short outage or restart
   * still runs, as db-scheduler, Quartz and JobRunr run late one-shot jobs.
   */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);

  public static final MisfirePolicy DEFAULT = new MisfirePolicy(DEFAULT_GRACE);

  public MisfirePolicy {
    Objects.requireNonNull(defaultGrace, "defaultGrace");
    if (!isNone(defaultGrace)) {
      check("defaultMisfireGrace", defaultGrace);
    }
  }

  /** The grace that applies to a job whose own is {@code jobGrace} (null: the default). */
  public Duration graceOf(Duration jobGrace) {
    return jobGrace == null ? defaultGrace : jobGrace;
  }

  public static boolean isNone(Duration grace) {
    return NONE.equals(grace);
  }

  /** A job's grace as clients give it: null, {@code "none"} or an ISO-8601 duration. */
  public static Duration parse(String field, String text) {
    if (text == null) {
      return null;
    }
    if (NONE_TEXT.equals(text)) {
      return NONE;
    }
    Duration grace;
    try {
      grace = Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidJobException(
          field, "must be an ISO-8601 duration such as PT5M, or \"none\" for no limit");
    }
    check(field, grace);
    return grace;
  }

  /** The text form of a job's grace: null, {@code "none"} or an ISO-8601 duration. */
  public static String text(Duration grace) {
    if (grace == null) {
      return null;
    }
    return isNone(grace) ? NONE_TEXT : grace.toString();
  }

  static void check(String field, Duration grace) {
    if (isNone(grace)) {
      return;
    }
    if (grace.isNegative() || grace.compareTo(NewJob.MAX_MISFIRE_GRACE) > 0) {
      throw new InvalidJobException(field, "must be between PT0S and P7D, or \"none\"");
    }
  }
}
