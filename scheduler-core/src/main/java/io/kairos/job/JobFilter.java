package io.kairos.job;

/** Which jobs to list; null fields do not filter. */
public record JobFilter(String type, String group, JobState state) {

  public static final JobFilter ALL = new JobFilter(null, null, null);
}
