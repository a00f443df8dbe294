package io.kairos.job;

/**
 * What can happen to a job that someone may want to be told about (notifications).
 *
 * <ul>
 *   <li>{@link #FAILED}: an attempt failed (or timed out) and the persisted retry tier took it —
 *       every failed attempt, whether it is retried or was the last, bounded per job by the
 *       notifications' minimum interval;
 *   <li>{@link #DEAD}: a one-time job failed for good (permanent fault, or no attempts left);
 *   <li>{@link #MISSED}: a one-time job was found later than its misfire grace and did not run;
 *   <li>{@link #STALE}: the stale-job watchdog found the job overdue (once, when it becomes so);
 *   <li>{@link #RECOVERED}: its worker died mid-attempt and another revived the execution.
 * </ul>
 */
public enum JobEvent {
  FAILED,
  DEAD,
  MISSED,
  STALE,
  RECOVERED;

  /** What a target hears of when it names no events: the events that need a person. */
  public static final java.util.Set<JobEvent> DEFAULTS =
      java.util.Collections.unmodifiableSet(java.util.EnumSet.of(DEAD, MISSED, STALE));
}
