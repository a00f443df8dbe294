package io.kairos.job;

/**
 * A change of a job was tried again and again, and each time something else had changed the job
 * between its read and its write (other changes, a worker's reschedule). Nothing was changed by it;
 * the caller may retry (the API answers {@code 409}).
 */
public final class JobChangedMeanwhile extends RuntimeException {

  /**
   * @param id the job, if known
   */
  public JobChangedMeanwhile(String id) {
    super(
        (id == null ? "the job" : "job '" + id + "'")
            + " kept changing while this change was tried; nothing was changed, try again");
  }
}
