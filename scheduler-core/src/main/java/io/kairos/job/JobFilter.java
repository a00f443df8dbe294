package io.kairos.job;

/**
 * Which jobs to list; null fields do not filter.
 *
 * @param idPrefix only jobs whose id starts with this (taken literally: no wildcards)
 * @param staleOnly only jobs the stale-job watchdog currently marks as stale
 */
public record JobFilter(
    String type, String group, JobState state, String idPrefix, boolean staleOnly) {

  public static final JobFilter ALL = new JobFilter(null, null, null);

  public JobFilter(String type, String group, JobState state) {
    this(type, group, state, null, false);
  }
}
