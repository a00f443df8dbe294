package io.kairos.execution;

import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import io.kairos.execution.AttemptObserver.Next;
import io.kairos.job.JobContext;
import io.kairos.job.JobData;
import io.kairos.job.JobEvent;
import io.kairos.job.JobState;
import io.kairos.job.RunOutcome;
import io.kairos.notification.Notifier;
import io.kairos.registry.JobRegistry;
import io.kairos.registry.RunHistory;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionOperations;

/**
 * The one place where the end of an attempt is written: a result, a misfire, or a worker's death.
 * Each is one transaction: the history row gets its outcome, the execution is rescheduled or
 * removed through db-scheduler's version-checked operations, and the job's state follows. If this
 * worker lost its claim meanwhile, db-scheduler's version check throws and the whole transaction
 * rolls back, so a result is recorded only under the claim.
 *
 * <p>Events someone may want to hear of (a failed attempt, a dead, missed or recovered job) are
 * handed to the {@link Notifier} inside that transaction, so their notifications exist exactly when
 * the event was recorded.
 *
 * <p>{@code transactions} must manage the DataSource that db-scheduler writes through (wrapped in
 * {@code TransactionJoiningDataSource}), or db-scheduler's write would commit on its own.
 */
public final class CompletionRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(CompletionRecorder.class);

  private final TransactionOperations transactions;
  private final RunHistory runs;
  private final JobRegistry jobs;
  private final AttemptObserver observer;
  private final Notifier notifier;

  CompletionRecorder(
      TransactionOperations transactions,
      RunHistory runs,
      JobRegistry jobs,
      AttemptObserver observer,
      Notifier notifier) {
    this.transactions = transactions;
    this.runs = runs;
    this.jobs = jobs;
    this.observer = observer;
    this.notifier = notifier;
  }

  /**
   * Records an attempt's result and sends its execution where {@code next} says. False when the
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
    try {
      transactions.executeWithoutResult(tx -> write(attempt, result, next, complete, operations));
    } catch (RuntimeException e) {
      // Nothing of this attempt was recorded; close its history row so it does not stay RUNNING.
      runs.finish(
          attempt.runId(), RunOutcome.WORKER_DIED, "claim lost before completion; result dropped");
      throw e;
    }
    observer.observe(
        new AttemptObserver.AttemptReport(
            context.jobType(),
            result.outcome(),
            Duration.between(context.scheduledFor(), attempt.startedAt()),
            complete.getDuration(),
            next.next()));
    return true;
  }

  private void write(
      StartedAttempt attempt,
      AttemptResult result,
      Disposition next,
      ExecutionComplete complete,
      ExecutionOperations<JobData> operations) {
    String jobId = attempt.context().jobId();
    String error = result.error();
    if (!runs.finish(attempt.runId(), result.outcome(), error, attempt.context().reported())) {
      // Another worker already declared this attempt dead and revived the execution.
      throw new IllegalStateException(
          "attempt " + attempt.runId() + " of job " + jobId + " was taken over; result dropped");
    }
    if (next.reschedules()) {
      if (!result.succeeded()) {
        jobs.recordError(jobId, error);
      }
      operations.reschedule(complete, next.at(), next.data());
    } else {
      operations.remove();
      jobs.finish(jobId, next.next() == Next.COMPLETED ? JobState.COMPLETED : JobState.DEAD, error);
    }
    int number = attempt.context().attempt();
    if (!result.succeeded()) {
      notifier.notify(JobEvent.FAILED, jobId, number, error);
    }
    if (next.next() == Next.DEAD) {
      notifier.notify(JobEvent.DEAD, jobId, number, error);
    }
  }

  /** Records a one-time job that was found later than its misfire grace; it did not run. */
  void recordMissed(JobContext context, String reason, ExecutionOperations<JobData> operations) {
    transactions.executeWithoutResult(
        tx -> {
          operations.remove();
          runs.recordMissed(
              context.jobId(), context.jobType(), context.scheduledFor(), context.node(), reason);
          jobs.finish(context.jobId(), JobState.MISSED, reason);
          notifier.notify(JobEvent.MISSED, context.jobId(), context.attempt(), reason);
        });
    LOG.warn("Job {} missed: {}", context.jobId(), reason);
  }

  /**
   * Closes the attempt a dead worker left RUNNING as WORKER_DIED and sends its execution where
   * {@code next} says; {@code error} is the job's last error if it dies for good.
   */
  void recordWorkerDied(
      Execution dead,
      Disposition next,
      String error,
      ExecutionComplete complete,
      ExecutionOperations<JobData> operations) {
    String jobId = dead.taskInstance.getId();
    transactions.executeWithoutResult(
        tx -> {
          runs.markWorkerDied(jobId, dead.pickedBy);
          int number = ((JobData) dead.taskInstance.getData()).attempt();
          String died = "worker " + dead.pickedBy + " died running attempt " + number;
          if (next.reschedules()) {
            operations.reschedule(complete, next.at(), next.data());
          } else {
            operations.remove();
            jobs.finish(jobId, JobState.DEAD, error);
          }
          switch (next.next()) {
            case RETRY -> notifier.notify(JobEvent.RECOVERED, jobId, number, died);
            case NEXT_OCCURRENCE -> notifier.notify(JobEvent.FAILED, jobId, number, died);
            default -> notifier.notify(JobEvent.DEAD, jobId, number, error);
          }
        });
  }
}
