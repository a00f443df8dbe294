package io.kairos.control;

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

  public JobSubmitter(
      JobRegistry jobs, TransactionOperations transactions, DueListener dueListener) {
    this.jobs = jobs;
    this.transactions = transactions;
    this.dueListener = dueListener;
  }

  public Submission submit(NewJob job) {
    Submission submission = insert(job);
    if (submission.created() && submission.job().nextRunAt() != null) {
      dueListener.scheduled(submission.job().nextRunAt());
    }
    return submission;
  }

  private Submission insert(NewJob job) {
    return transactions.execute(
        tx -> {
          if (!jobs.create(job, JobSource.API)) {
            Job existing = jobs.find(job.id()).orElseThrow();
            if (!existing.requestHash().equals(job.requestHash())) {
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
                JobRegistry.Replaced outcome = jobs.replace(job);
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

  /** The job as stored, and whether this call created it. */
  public record Submission(Job job, boolean created) {}

  /** The job as stored after {@link #replace}, and what the call did. */
  public record Replacement(Job job, JobRegistry.Replaced outcome) {

    public boolean created() {
      return outcome == JobRegistry.Replaced.CREATED;
    }
  }
}
