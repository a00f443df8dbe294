package io.kairos.execution;

import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import io.kairos.catalogue.SealedJob;
import io.kairos.execution.AttemptObserver.Next;
import io.kairos.execution.CompletionStore.ExecutionEnd;
import io.kairos.execution.CompletionStore.JobEnd;
import io.kairos.job.JobContext;
import io.kairos.job.JobData;
import io.kairos.job.JobEvent;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.notification.Notifier;
import io.kairos.registry.JobStore;
import io.kairos.registry.RunHistoryStore;
import io.kairos.registry.RunHistoryStore.FinishedAttempt;
import io.kairos.wakeup.DueListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionOperations;

/**
 * The one place where the end of an attempt is written: a result, a misfire, or a worker's death.
 *
 * <p>Results are written in groups ({@link GroupCommit}): the executor thread hands its result over
 * and, in a worker, takes its next execution at once; the claim is kept alive meanwhile by {@link
 * HeldClaims}, since db-scheduler stops heartbeating it when the thread returns (with {@code
 * awaitCommit}, the thread waits until the batch it joined has committed). After the commit the
 * listeners hear of it. One transaction per batch writes, with multi-row statements, the
 * version-checked remove or reschedule of every execution, then the history rows and job states of
 * those whose version still matched — so a result is recorded only under its claim, and an
 * execution taken over meanwhile (revived by another worker) drops out of the batch without failing
 * the others.
 *
 * <p>Misfires and revivals are rare and written one at a time, through db-scheduler's
 * version-checked operations; {@code transactions} must then manage the DataSource that
 * db-scheduler writes through (wrapped in {@code TransactionJoiningDataSource}), or db-scheduler's
 * write would commit on its own.
 *
 * <p>Events someone may want to hear of (a failed attempt, a dead, missed or recovered job) are
 * handed to the {@link Notifier} inside the same transaction, so their notifications exist exactly
 * when the event was recorded.
 */
final class CompletionRecorder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CompletionRecorder.class);

  /** One attempt's result, handed to the group commit. */
  private record Completion(
      StartedAttempt attempt, AttemptResult result, Disposition next, ExecutionComplete complete) {

    Execution execution() {
      return attempt.execution();
    }

    ExecutionKey key() {
      return new ExecutionKey(
          execution().taskInstance.getTaskName(), execution().taskInstance.getId());
    }
  }

  private final TransactionOperations transactions;
  private final RunHistoryStore runs;
  private final CompletionStore store;
  private final JobStore jobs;
  private final AttemptObserver observer;
  private final RescheduleListener rescheduled;
  private final Notifier notifier;
  private final DueListener dueListener;
  private final GroupCommit<Completion> group;
  private final boolean awaitCommit;
  private final HeldClaims claims;

  CompletionRecorder(
      TransactionOperations transactions,
      RunHistoryStore runs,
      CompletionStore store,
      JobStore jobs,
      AttemptObserver observer,
      RescheduleListener rescheduled,
      Notifier notifier,
      DueListener dueListener,
      JobTasks.Completions completions,
      HeldClaims claims) {
    this.transactions = transactions;
    this.runs = runs;
    this.store = store;
    this.jobs = jobs;
    this.observer = observer;
    this.rescheduled = rescheduled;
    this.notifier = notifier;
    this.dueListener = dueListener;
    this.awaitCommit = completions.awaitCommit();
    this.claims = claims;
    this.group =
        new GroupCommit<>(
            "kairos-completions", this::writeAll, completions.batchSize(), completions.linger());
  }

  /**
   * Records an attempt's result and sends its execution where {@code next} says, in the next batch.
   * With {@code awaitCommit}, returns once that batch committed, and throws when the claim was lost
   * meanwhile (nothing of the attempt is then recorded by this worker) or when the batch could not
   * be written (the execution stays picked, and is revived once its heartbeats stop); otherwise
   * returns at once, and the same outcomes are logged when the batch is written. False when the
   * result was dropped because the lease guard had given the attempt up.
   */
  boolean record(
      StartedAttempt attempt,
      AttemptResult result,
      Disposition next,
      ExecutionComplete complete,
      ExecutionOperations<JobData> operations) {
    JobContext context = attempt.context();
    if (result.revokedBecause() != null) {
      // Another worker may already run it again; writing anything now could only contradict it.
      LOG.warn(
          "Dropping the result of job {} attempt {}: {}",
          context.jobId(),
          context.attempt(),
          result.revokedBecause());
      return false;
    }
    Completion completion = new Completion(attempt, result, next, complete);
    if (awaitCommit) {
      if (!group.submit(completion)) {
        throw claimLost(context);
      }
      afterCommit(completion);
      return true;
    }
    claims.hold(attempt.execution());
    group
        .handOver(completion)
        .whenComplete(
            (written, failure) -> {
              claims.release(attempt.execution());
              if (failure != null) {
                LOG.error(
                    "The result of job {} attempt {} could not be written; its execution stays"
                        + " claimed until the dead-after window passes, then runs again",
                    context.jobId(),
                    context.attempt(),
                    failure);
              } else if (!written) {
                LOG.warn(claimLost(context).getMessage());
              } else {
                afterCommit(completion);
              }
            });
    return true;
  }

  private static IllegalStateException claimLost(JobContext context) {
    // Another worker already declared this attempt dead and revived the execution; it recorded
    // the attempt WORKER_DIED (or the writer did, if it had not).
    return new IllegalStateException(
        "claim of job "
            + context.jobId()
            + " attempt "
            + context.attempt()
            + " lost before completion; result dropped");
  }

  private void afterCommit(Completion completion) {
    StartedAttempt attempt = completion.attempt();
    JobContext context = attempt.context();
    Disposition next = completion.next();
    if (next.reschedules()) {
      rescheduled.rescheduled(attempt.execution().taskInstance, next.at());
    }
    observer.observe(
        new AttemptObserver.AttemptReport(
            context.jobType(),
            completion.result().outcome(),
            Duration.between(context.scheduledFor(), attempt.startedAt()),
            completion.complete().getDuration(),
            next.next(),
            next.skippedByOverlap(),
            next.caughtUp()));
  }

  /** Batches written so far (tests). */
  long batchesWritten() {
    return group.flushes();
  }

  /** Writes a batch of completions in one transaction; per completion, whether it was written. */
  private boolean[] writeAll(List<Completion> batch) {
    return transactions.execute(tx -> write(batch));
  }

  private boolean[] write(List<Completion> batch) {
    List<ExecutionEnd> ends = new ArrayList<>(batch.size());
    for (Completion c : batch) {
      ends.add(end(c));
    }
    Set<ExecutionKey> kept = store.endExecutions(ends);
    boolean[] written = new boolean[batch.size()];
    List<JobEnd> finished = new ArrayList<>();
    Map<String, String> errors = new LinkedHashMap<>();
    List<FinishedAttempt> history = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Completion c = batch.get(i);
      String jobId = c.attempt().context().jobId();
      String error = c.result().error();
      written[i] = kept.contains(c.key());
      if (!written[i]) {
        runs.recordClaimLost(attempt(c));
        continue;
      }
      history.add(attempt(c));
      if (!c.next().reschedules()) {
        finished.add(
            new JobEnd(
                jobId,
                switch (c.next().next()) {
                  case COMPLETED -> JobState.COMPLETED;
                  case CANCELLED -> JobState.CANCELLED;
                  default -> JobState.DEAD;
                },
                error));
      } else if (!c.result().succeeded() && !c.result().neutral()) {
        errors.put(jobId, error);
      }
    }
    store.finishAll(finished);
    store.recordErrors(errors);
    runs.recordFinished(history);
    createFollowUps(batch, written);
    for (int i = 0; i < batch.size(); i++) {
      Completion c = batch.get(i);
      if (!written[i]) {
        continue;
      }
      String jobId = c.attempt().context().jobId();
      int number = c.attempt().context().attempt();
      if (!c.result().succeeded() && !c.result().neutral()) {
        notifier.notify(JobEvent.FAILED, jobId, number, c.result().error());
      }
      if (c.next().next() == Next.DEAD) {
        notifier.notify(JobEvent.DEAD, jobId, number, c.result().error());
      }
    }
    return written;
  }

  /**
   * The follow-up jobs of the successful attempts written in this batch, in its transaction. One
   * whose id already holds a job is a replay (a retried attempt asking again) and is left as it is.
   */
  private void createFollowUps(List<Completion> batch, boolean[] written) {
    Map<String, SealedJob> byId = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      Completion c = batch.get(i);
      if (written[i] && c.result().succeeded()) {
        c.result().followUps().forEach(followUp -> byId.putIfAbsent(followUp.id(), followUp));
      }
    }
    List<SealedJob> followUps = new ArrayList<>(byId.values());
    if (followUps.isEmpty()) {
      return;
    }
    // One statement for all of them (rows in id order, as every creation writes them).
    Set<String> created = jobs.createAll(followUps, JobSource.API);
    Instant now = Instant.now();
    List<Instant> dues = new ArrayList<>();
    for (SealedJob followUp : followUps) {
      if (created.contains(followUp.id())) {
        dues.add(followUp.job().schedule().firstExecution(now));
      } else {
        LOG.info("Follow-up job {} exists already; left as it is", followUp.id());
      }
    }
    // Workers are woken once this batch has committed, as for any new job.
    dueListener.scheduledAll(dues);
  }

  /** What db-scheduler's own remove or reschedule of this completion would write. */
  private static ExecutionEnd end(Completion c) {
    Execution execution = c.execution();
    if (!c.next().reschedules()) {
      return ExecutionEnd.remove(c.key(), execution.version);
    }
    Instant done = c.complete().getTimeDone();
    if (c.result().neutral()) {
      // Neither a success nor a failure: the job's counts stay as they were.
      return new ExecutionEnd(
          c.key(),
          execution.version,
          c.next().at(),
          c.next().data(),
          execution.lastSuccess,
          execution.lastFailure,
          execution.consecutiveFailures);
    }
    if (c.result().succeeded()) {
      return new ExecutionEnd(
          c.key(),
          execution.version,
          c.next().at(),
          c.next().data(),
          done,
          execution.lastFailure,
          0);
    }
    return new ExecutionEnd(
        c.key(),
        execution.version,
        c.next().at(),
        c.next().data(),
        execution.lastSuccess,
        done,
        execution.consecutiveFailures + 1);
  }

  private static FinishedAttempt attempt(Completion c) {
    JobContext context = c.attempt().context();
    return new FinishedAttempt(
        context.jobId(),
        context.jobType(),
        context.scheduledFor(),
        c.attempt().startedAt(),
        context.node(),
        context.attempt(),
        context.recovered(),
        c.result().outcome(),
        c.result().error(),
        context.reported(),
        context.reportedProgress());
  }

  /** Records a one-time job that was found later than its misfire grace; it did not run. */
  void recordMissed(JobContext context, String reason, ExecutionOperations<JobData> operations) {
    transactions.executeWithoutResult(
        tx -> {
          operations.remove();
          runs.recordMissed(
              context.jobId(), context.jobType(), context.scheduledFor(), context.node(), reason);
          store.finish(context.jobId(), JobState.MISSED, reason);
          notifier.notify(JobEvent.MISSED, context.jobId(), context.attempt(), reason);
        });
    LOG.warn("Job {} missed: {}", context.jobId(), reason);
  }

  /**
   * Records the attempt a dead worker was running as WORKER_DIED and sends its execution where
   * {@code next} says; {@code error} is the job's last error if it dies for good.
   */
  void recordWorkerDied(
      Execution dead,
      JobData data,
      Disposition next,
      String error,
      ExecutionComplete complete,
      ExecutionOperations<JobData> operations) {
    String jobId = dead.taskInstance.getId();
    transactions.executeWithoutResult(
        tx -> {
          runs.recordWorkerDied(
              jobId,
              dead.taskInstance.getTaskName(),
              dead.executionTime,
              dead.pickedBy,
              data.attempt(),
              data.recovered(),
              dead.lastHeartbeat);
          if (next.reschedules()) {
            operations.reschedule(complete, next.at(), next.data());
          } else {
            operations.remove();
            store.finish(jobId, JobState.DEAD, error);
          }
          int number = data.attempt();
          String died = "worker " + dead.pickedBy + " died running attempt " + number;
          switch (next.next()) {
            case RETRY -> notifier.notify(JobEvent.RECOVERED, jobId, number, died);
            case NEXT_OCCURRENCE -> notifier.notify(JobEvent.FAILED, jobId, number, died);
            default -> notifier.notify(JobEvent.DEAD, jobId, number, error);
          }
        });
  }

  /** Writes the completions still waiting, then stops the group commit's thread. */
  @Override
  public void close() {
    group.close();
  }
}
