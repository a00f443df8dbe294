package io.kairos.spring;

import io.kairos.control.JobControl;
import io.kairos.control.JobRequests;
import io.kairos.control.JobSubmitter;
import io.kairos.job.Job;
import io.kairos.job.JobRequest;
import io.kairos.job.JobSource;
import io.kairos.registry.JobStore;
import java.util.Optional;

/**
 * Jobs from an application's own code, inside its transactions: a job created in a transaction that
 * rolls back never exists, and one created in a transaction that commits is due as it says (at
 * once, unless scheduled later) — the same rows, in the same transaction, as the application's own.
 * Outside a transaction each call is one of its own. Workers are woken for a job due soon once the
 * transaction that made it due commits (never for one rolled back), as for the API's jobs.
 *
 * <p>Jobs made here belong to the API's clients ({@code source} API, created by {@code
 * app:<spring.application.name>}): the API and the dashboard show and control them. Declared and
 * Kairos's own jobs cannot be changed from here.
 */
public final class KairosJobs {

  private final JobRequests requests;
  private final JobSubmitter submitter;
  private final JobControl control;
  private final JobStore jobs;
  private final JobControl.Caller caller;

  public KairosJobs(
      JobRequests requests,
      JobSubmitter submitter,
      JobControl control,
      JobStore jobs,
      String applicationName) {
    this.requests = requests;
    this.submitter = submitter;
    this.control = control;
    this.jobs = jobs;
    this.caller = JobControl.Caller.client("app:" + applicationName);
  }

  /**
   * Creates the job; the same request for an existing id returns that job unchanged.
   *
   * @throws io.kairos.job.InvalidJobException naming the field, for what the API would refuse
   * @throws io.kairos.job.JobConflict when the id holds another job
   */
  public Job create(JobRequest request) {
    return submitter.submit(requests.toNewJob(request, caller.name()), JobSource.API).job();
  }

  /** Creates the job, or replaces the id's job whole with this definition. */
  public Job replace(JobRequest request) {
    return submitter.replace(requests.toNewJob(request, caller.name())).job();
  }

  public Optional<Job> find(String id) {
    return jobs.find(id);
  }

  public Job cancel(String id) {
    return control.cancel(id, caller);
  }

  public Job pause(String id) {
    return control.pause(id, caller);
  }

  public Job resume(String id) {
    return control.resume(id, caller);
  }

  /** Makes the job due now. */
  public Job runNow(String id) {
    return control.runNow(id, caller);
  }
}
