package io.kairos.deadjob;

import io.kairos.job.DeadJob;
import io.kairos.registry.JobRegistry;
import io.kairos.wakeup.DueListener;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Dead jobs: one-time jobs whose execution ended in failure for good (marked DEAD by the completion
 * that removed their execution). They keep their payload, schedule and last error; their attempts
 * are in history. They can be listed, requeued (run again from attempt 1) or deleted.
 */
public final class DeadJobs {

  private final JobRegistry jobs;
  private final TransactionOperations transactions;
  private final DueListener dueListener;

  public DeadJobs(JobRegistry jobs, TransactionOperations transactions, DueListener dueListener) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.dueListener = Objects.requireNonNull(dueListener, "dueListener");
  }

  /**
   * Dead jobs in id order, after {@code afterId} (null: from the start), optionally of one type.
   */
  public List<DeadJob> list(String type, String afterId, int limit) {
    return jobs.deadJobs(type, afterId, limit);
  }

  /** The dead job with this id, if there is one. */
  public Optional<DeadJob> find(String id) {
    return jobs.deadJob(id);
  }

  /** How many jobs are dead, for a gauge. */
  public long count() {
    return jobs.deadCount();
  }

  /**
   * Runs a dead job again: now, from attempt 1, with its payload, schedule, attempts limit,
   * priority, timeout and misfire grace. The job is active again and its history goes on. Of two
   * concurrent requeues of one job, one requeues and the other finds it {@link
   * Requeue.Outcome#NOT_DEAD}.
   */
  public Requeue requeue(String id) {
    Requeue requeue =
        transactions.execute(
            tx ->
                jobs.requeueDead(id)
                    .map(next -> new Requeue(Requeue.Outcome.REQUEUED, next))
                    .orElseGet(
                        () ->
                            new Requeue(
                                jobs.exists(id)
                                    ? Requeue.Outcome.NOT_DEAD
                                    : Requeue.Outcome.NOT_FOUND,
                                null)));
    if (requeue.outcome() == Requeue.Outcome.REQUEUED) {
      dueListener.scheduled(requeue.nextRunAt());
    }
    return requeue;
  }

  /** Deletes a dead job (its history stays until pruned); false if no dead job has this id. */
  public boolean delete(String id) {
    return jobs.deleteDead(id);
  }

  /** What a requeue did; {@code nextRunAt} when requeued. */
  public record Requeue(Outcome outcome, Instant nextRunAt) {

    public enum Outcome {
      /** Scheduled again. */
      REQUEUED,
      /** No job has this id. */
      NOT_FOUND,
      /** The job exists but is not dead (e.g. requeued meanwhile, or still pending). */
      NOT_DEAD
    }
  }
}
