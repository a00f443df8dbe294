package io.kairos.job;

/**
 * The job's state does not allow what was asked: it is running (claimed by {@link #runningOn()}),
 * paused, or already final. Nothing was changed.
 */
public class JobStateConflict extends RuntimeException {

  private final String id;
  private final JobState state;
  private final String runningOn;

  public JobStateConflict(Job job, String message) {
    super(message);
    this.id = job.id();
    this.state = job.state();
    this.runningOn = job.runningOn();
  }

  public String id() {
    return id;
  }

  public JobState state() {
    return state;
  }

  /** The worker running the job, when it is RUNNING. */
  public String runningOn() {
    return runningOn;
  }
}
