package io.kairos.control;

import io.kairos.catalogue.PayloadSecrets;
import io.kairos.job.Job;
import io.kairos.job.JobConflict;
import io.kairos.job.JobSource;
import io.kairos.job.JobStateConflict;
import io.kairos.job.NewJob;
import io.kairos.registry.JobRegistry;
import io.kairos.wakeup.DueListener;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Creates jobs: the registry row and db-scheduler's execution in one transaction, so a job is
 * either fully scheduled or not there at all. Re-submitting an id with the same request is a no-op
 * that returns the existing job; with a different request it is a {@link JobConflict}. {@link
 * #replace} gives an id a new definition whole instead.
 */
public final class JobSubmitter {

  /** How often a replacement is tried again when the job changed under it. */
  private static final int ATTEMPTS = 5;

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

  /**
   * Creates the job, or replaces the id's job whole with this definition (see {@link
   * JobRegistry#replace}), in one transaction. The same definition again changes nothing, whatever
   * the job's state: a client retrying a request whose answer it lost never runs a job twice. A
   * running job is refused with a {@link JobStateConflict} naming the worker (nothing changed;
   * retry once the attempt ended); a declared job with a {@link JobConflict}.
   */
  public Replacement replace(NewJob job) {
    for (int i = 0; i < ATTEMPTS; i++) {
      Replacement replacement =
          transactions.execute(
              tx -> {
                JobRegistry.Replaced outcome = jobs.replace(sealed(secrets, job));
                switch (outcome) {
                  case CHANGED_MEANWHILE -> {
                    tx.setRollbackOnly(); // undo a dropped execution; the next try reads anew
                    return null;
                  }
                  case RUNNING -> {
                    Job running = jobs.find(job.id()).orElseThrow();
                    throw new JobStateConflict(
                        running,
                        "job '"
                            + job.id()
                            + "' is running on "
                            + running.runningOn()
                            + " and cannot be replaced until that attempt ends");
                  }
                  case DECLARED ->
                      throw new JobConflict(
                          job.id(),
                          "job '"
                              + job.id()
                              + "' was not created through the API (it is declared in kairos.jobs,"
                              + " or one of Kairos's own) and cannot be replaced through it");
                  default -> {
                    return new Replacement(jobs.find(job.id()).orElseThrow(), outcome);
                  }
                }
              });
      if (replacement != null) {
        if (replacement.outcome() != JobRegistry.Replaced.UNCHANGED
            && replacement.job().nextRunAt() != null) {
          dueListener.scheduled(replacement.job().nextRunAt());
        }
        return replacement;
      }
    }
    throw new IllegalStateException("job '" + job.id() + "' kept changing; try again");
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

  /** The job as stored after {@link #replace}, and what the call did. */
  public record Replacement(Job job, JobRegistry.Replaced outcome) {

    public boolean created() {
      return outcome == JobRegistry.Replaced.CREATED;
    }
  }
}
