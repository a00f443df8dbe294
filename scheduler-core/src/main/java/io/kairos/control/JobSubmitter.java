package io.kairos.control;

import io.kairos.catalogue.PayloadSecrets;
import io.kairos.job.Job;
import io.kairos.job.JobConflict;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.registry.JobRegistry;
import io.kairos.wakeup.DueListener;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Creates jobs: the registry row and db-scheduler's execution in one transaction, so a job is
 * either fully scheduled or not there at all. Re-submitting an id with the same request is a no-op
 * that returns the existing job; with a different request it is a {@link JobConflict}.
 */
public final class JobSubmitter {

  private final JobRegistry jobs;
  private final TransactionOperations transactions;
  private final DueListener dueListener;
  private final PayloadSecrets secrets;

  public JobSubmitter(
      JobRegistry jobs,
      TransactionOperations transactions,
      DueListener dueListener,
      PayloadSecrets secrets) {
    this.jobs = jobs;
    this.transactions = transactions;
    this.dueListener = dueListener;
    this.secrets = secrets;
  }

  /** Creates a job for a client of the API ({@link JobSource#API}). */
  public Submission submit(NewJob job) {
    return submit(job, JobSource.API);
  }

  /**
   * Creates a job that belongs to {@code source}: {@link JobSource#SYSTEM} for the jobs Kairos
   * keeps for something else it manages (an OAuth credential's refresh job), which clients may not
   * change. A replay must come from the same source.
   */
  public Submission submit(NewJob job, JobSource source) {
    // Secret values are sealed before any statement sees them: neither the rows nor a database
    // error about them can carry the plain value. The request hash was computed by the caller
    // over the plain request, so a replay still matches.
    Submission submission = insert(sealed(secrets, job), source);
    if (submission.created() && submission.job().nextRunAt() != null) {
      dueListener.scheduled(submission.job().nextRunAt());
    }
    return submission;
  }

  private Submission insert(NewJob job, JobSource source) {
    return transactions.execute(
        tx -> {
          if (!jobs.create(job, source)) {
            Job existing = jobs.find(job.id()).orElseThrow();
            if (!existing.requestHash().equals(job.requestHash()) || existing.source() != source) {
              throw new JobConflict(job.id());
            }
            return new Submission(existing, false);
          }
          return new Submission(jobs.find(job.id()).orElseThrow(), true);
        });
  }

  /** {@code job} with its secret payload values sealed. */
  public static NewJob sealed(PayloadSecrets secrets, NewJob job) {
    return new NewJob(
        job.id(),
        job.type(),
        job.group(),
        secrets.seal(job.type(), job.id(), job.payload()),
        job.schedule(),
        job.maxAttempts(),
        job.priority(),
        job.requestHash(),
        job.createdBy(),
        job.timeout(),
        job.misfireGrace(),
        job.notifyTargets());
  }

  /** The job as stored, and whether this call created it. */
  public record Submission(Job job, boolean created) {}
}
