package io.kairos.deadjob;

import io.kairos.control.ControlStore;
import io.kairos.control.JobControl;
import io.kairos.control.OperatorJobs;
import io.kairos.registry.JobStore;
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

  private final DeadJobStore dead;
  private final JobStore jobs;
  private final ControlStore control;
  private final TransactionOperations transactions;
  private final DueListener dueListener;

  public DeadJobs(
      DeadJobStore dead,
      JobStore jobs,
      ControlStore control,
      TransactionOperations transactions,
      DueListener dueListener) {
    this.dead = Objects.requireNonNull(dead, "dead");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.control = Objects.requireNonNull(control, "control");
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.dueListener = Objects.requireNonNull(dueListener, "dueListener");
  }

  /**
   * Dead jobs in id order, after {@code afterId} (null: from the start), optionally of one type.
   */
  public List<DeadJob> list(String type, String afterId, int limit) {
    return dead.deadJobs(type, afterId, limit);
  }

  /** The dead job with this id, if there is one. */
  public Optional<DeadJob> find(String id) {
    return dead.deadJob(id);
  }

  /** How many jobs are dead, for a gauge. */
  public long count() {
    return dead.deadCount();
  }

  /**
   * Runs a dead job again: now, from attempt 1, with its payload, schedule, attempts limit,
   * priority, timeout and misfire grace. The job is active again and its history goes on. Of two
   * concurrent requeues of one job, one requeues and the other finds it {@link
   * Requeue.Outcome#NOT_DEAD}.
   */
  public Requeue requeue(String id) {
    return requeue(id, JobControl.Caller.operator("kairos"));
  }

  /**
   * As {@link #requeue(String)}, for {@code caller}: a client may not requeue a dead job of the
   * operators or of Kairos ({@link OperatorJobs}).
   */
  public Requeue requeue(String id, JobControl.Caller caller) {
    Requeue requeue =
        transactions.execute(
            tx -> {
              OperatorJobs.refuseUnlessAllowed(control, id, caller.operator(), "requeue");
              return dead.requeueDead(id)
                  .map(next -> new Requeue(Requeue.Outcome.REQUEUED, next))
                  .orElseGet(
                      () ->
                          new Requeue(
                              jobs.exists(id)
                                  ? Requeue.Outcome.NOT_DEAD
                                  : Requeue.Outcome.NOT_FOUND,
                              null));
            });
    if (requeue.outcome() == Requeue.Outcome.REQUEUED) {
      dueListener.scheduled(requeue.nextRunAt());
    }
    return requeue;
  }

  /** Dead jobs requeued per page read; each in its own transaction. */
  private static final int REQUEUE_PAGE = 100;

  /**
   * Requeues every dead job of a type and/or group (at least one is required), each as {@link
   * #requeue} does, in its own transaction, so one that cannot be requeued does not hold the others
   * back and no long transaction locks them all. A job requeued or deleted meanwhile by someone
   * else is counted as skipped.
   */
  public BulkRequeue requeueAll(String type, String group) {
    return requeueAll(type, group, JobControl.Caller.operator("kairos"));
  }

  /**
   * As {@link #requeueAll(String, String)}, for {@code caller}: a client's call leaves the dead
   * jobs of the operators and of Kairos alone (neither requeued nor counted), as cancelling a group
   * does.
   */
  public BulkRequeue requeueAll(String type, String group, JobControl.Caller caller) {
    if (type == null && group == null) {
      throw new IllegalArgumentException("a type or a group is required");
    }
    int requeued = 0;
    int skipped = 0;
    String after = null;
    while (true) {
      List<String> page = dead.deadIds(type, group, after, REQUEUE_PAGE);
      for (String id : page) {
        if (!caller.operator()
            && control.sourceOf(id).filter(s -> !OperatorJobs.mayChange(s, false)).isPresent()) {
          continue;
        }
        if (requeue(id, caller).outcome() == Requeue.Outcome.REQUEUED) {
          requeued++;
        } else {
          skipped++;
        }
      }
      if (page.size() < REQUEUE_PAGE) {
        return new BulkRequeue(requeued, skipped);
      }
      after = page.get(page.size() - 1);
    }
  }

  /** What {@link #requeueAll} did: how many were requeued, and how many were no longer dead. */
  public record BulkRequeue(int requeued, int skipped) {}

  /** Deletes a dead job (its history stays until pruned); false if no dead job has this id. */
  public boolean delete(String id) {
    return dead.deleteDead(id);
  }

  /**
   * As {@link #delete(String)}, for {@code caller}: a client may not delete a dead job of the
   * operators or of Kairos ({@link OperatorJobs}).
   */
  public boolean delete(String id, JobControl.Caller caller) {
    OperatorJobs.refuseUnlessAllowed(control, id, caller.operator(), "delete");
    return dead.deleteDead(id);
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
