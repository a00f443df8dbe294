package io.kairos.control;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import io.kairos.job.Job;
import io.kairos.job.NewJob;
import io.kairos.registry.JobRegistry;
import io.kairos.wakeup.DueListener;
import java.time.Instant;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Creates jobs: the registry row and db-scheduler's execution in one transaction, so a job is
 * either fully scheduled or not there at all. Re-submitting an id with the same request is a no-op
 * that returns the existing job; with a different request it is a {@link JobConflict}.
 */
public final class JobSubmitter {

  private final JobRegistry jobs;
  private final SchedulerClient schedulerClient;
  private final TransactionOperations transactions;
  private final Clock clock;
  private final DueListener dueListener;

  public JobSubmitter(
      JobRegistry jobs,
      SchedulerClient schedulerClient,
      TransactionOperations transactions,
      Clock clock,
      DueListener dueListener) {
    this.jobs = jobs;
    this.schedulerClient = schedulerClient;
    this.transactions = transactions;
    this.clock = clock;
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
          if (!jobs.insert(job)) {
            Job existing = jobs.find(job.id()).orElseThrow();
            if (!existing.requestHash().equals(job.requestHash())) {
              throw new JobConflict(job.id());
            }
            return new Submission(existing, false);
          }
          Instant first = job.schedule().firstExecution(clock.now());
          schedulerClient.schedule(
              job.firstData().instance(job.type(), job.id(), job.priority()), first);
          return new Submission(jobs.find(job.id()).orElseThrow(), true);
        });
  }

  /** The job as stored, and whether this call created it. */
  public record Submission(Job job, boolean created) {}

  /** The id is taken by a job created from a different request. */
  public static final class JobConflict extends RuntimeException {
    private final String id;

    public JobConflict(String id) {
      super("job '" + id + "' already exists with a different definition");
      this.id = id;
    }

    public String id() {
      return id;
    }
  }
}
