package io.kairos.execution;

import com.github.kagkarlsson.scheduler.task.AbstractTask;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import com.github.kagkarlsson.scheduler.task.SchedulableTaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobContext;
import io.kairos.job.JobData;
import io.kairos.job.JobHandler;
import io.kairos.job.JobState;
import io.kairos.job.JobType;
import io.kairos.job.NewJob;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.RunOutcome;
import io.kairos.job.TransientJobFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The db-scheduler task of one job type. Each execution is one attempt:
 *
 * <ol>
 *   <li>its history row is written as RUNNING;
 *   <li>the handler runs;
 *   <li>in one transaction, the history row gets its outcome and the execution is removed,
 *       rescheduled (next occurrence, or the persisted retry tier) or the job declared dead. The
 *       removal or reschedule is version-checked by db-scheduler, so if this worker lost its claim
 *       the whole transaction rolls back and the attempt leaves no result.
 * </ol>
 *
 * <p>Failures pass two tiers. Tier 1 ({@link io.kairos.retry.RetryingHandler}, around the handler)
 * retries transient faults within the attempt. Whatever it gives up on, and any other failure, ends
 * the attempt {@code FAILED}, and this task is tier 2, the persisted tier: in the completion
 * transaction it reschedules the execution after {@link PersistedBackoff} (or the fault's {@code
 * Retry-After}, if longer) with {@code attempt + 1}, so that any worker may take it, while the job
 * has attempts left. A {@link PermanentJobFailure} or an invalid payload skips both tiers. A
 * one-time job out of attempts, or failed permanently, is DEAD (kept with its payload and last
 * error); a recurring one moves on to its next occurrence.
 *
 * <p>Executions of a worker that died are revived by {@link #reviveDeadExecution}: its RUNNING
 * history row becomes WORKER_DIED and the occurrence runs again, keeping its scheduled time,
 * flagged {@code recovered}.
 */
public final class JobTask<P> extends AbstractTask<JobData> {

  private static final Logger LOG = LoggerFactory.getLogger(JobTask.class);
  private static final Duration START_FAILURE_RETRY = Duration.ofSeconds(5);

  private final JobType<P> type;
  private final JobHandler<P> handler;
  private final ExecutionSupport support;

  public JobTask(JobType<P> type, JobHandler<P> handler, ExecutionSupport support) {
    super(
        type.name(),
        JobData.class,
        retryLaterWhenAttemptCouldNotStart(support),
        reviveDeadExecution(support));
    this.type = type;
    this.handler = handler;
    this.support = support;
  }

  public JobType<P> type() {
    return type;
  }

  @Override
  public SchedulableInstance<JobData> schedulableInstance(String id) {
    throw new UnsupportedOperationException("Kairos jobs are created with their data");
  }

  @Override
  public SchedulableInstance<JobData> schedulableInstance(String id, JobData data) {
    return new SchedulableTaskInstance<>(
        instance(id, data), now -> data.schedule().firstExecution(now));
  }

  @Override
  public CompletionHandler<JobData> execute(
      TaskInstance<JobData> instance, ExecutionContext executionContext) {
    Execution execution = executionContext.getExecution();
    JobData data = instance.getData();
    JobContext context =
        new JobContext(
            instance.getId(),
            type.name(),
            execution.executionTime,
            data.attempt(),
            data.recovered(),
            execution.pickedBy,
            data.attempt() > 1
                ? support.runs().occurrenceOf(instance.getId(), execution.executionTime)
                : execution.executionTime);
    Duration late = Duration.between(execution.executionTime, support.clock().now());
    Duration grace =
        data.misfireGrace() == null ? NewJob.DEFAULT_MISFIRE_GRACE : data.misfireGrace();
    if (!data.schedule().recurring()
        && data.attempt() == 1
        && !data.recovered()
        && late.compareTo(grace) > 0) {
      // Misfire: the job was due long ago (the cluster was down or saturated). DESIGN.md: a
      // one-time job later than its grace is recorded MISSED, not run late.
      String reason = "due " + late.toSeconds() + " s ago, beyond its misfire grace of " + grace;
      return (complete, operations) ->
          support
              .transactions()
              .executeWithoutResult(
                  tx -> {
                    operations.remove();
                    support
                        .runs()
                        .recordMissed(
                            context.jobId(),
                            context.jobType(),
                            context.scheduledFor(),
                            context.node(),
                            reason);
                    support.jobs().finish(context.jobId(), JobState.MISSED, reason);
                    LOG.warn("Job {} missed: {}", context.jobId(), reason);
                  });
    }
    OptionalLong started =
        support
            .runs()
            .startIfClaimed(
                context.jobId(),
                context.jobType(),
                context.scheduledFor(),
                context.node(),
                context.attempt(),
                context.recovered(),
                execution.version);
    if (started.isEmpty()) {
      LOG.warn(
          "Job {} was taken over by another worker before it started here; not running it",
          context.jobId());
      return (complete, operations) -> {};
    }
    long runId = started.getAsLong();
    Instant startedAt = support.clock().now();
    Duration timeout = support.timeouts().forAttempt(type.name(), data.timeout());
    RunningAttempts.Attempt running = support.attempts().begin(instance);
    ScheduledFuture<?> timer =
        support.timer().schedule(running::timeOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
    Attempt attempt;
    try {
      attempt = runHandler(data, context);
    } finally {
      timer.cancel(false);
      support.attempts().end(instance, running);
      // A timeout or revocation may have interrupted us after the handler returned.
      Thread.interrupted();
    }
    if (running.timedOut()) {
      attempt =
          new Attempt(
              RunOutcome.TIMED_OUT,
              new java.util.concurrent.TimeoutException("ran longer than " + timeout),
              false);
    }
    Attempt outcome = attempt;
    return (complete, operations) -> {
      if (running.revokedBecause() != null) {
        // The lease guard gave this attempt up; another worker may already run it again. Writing
        // anything now could only contradict that worker.
        LOG.warn(
            "Dropping the result of job {} attempt {}: {}",
            context.jobId(),
            context.attempt(),
            running.revokedBecause());
        return;
      }
      try {
        AttemptObserver.Next next =
            support
                .transactions()
                .execute(tx -> finish(runId, context, data, outcome, complete, operations));
        support
            .observer()
            .observe(
                new AttemptObserver.AttemptReport(
                    type.name(),
                    outcome.outcome(),
                    Duration.between(context.scheduledFor(), startedAt),
                    complete.getDuration(),
                    next));
      } catch (RuntimeException e) {
        // Nothing of this attempt was recorded; close its history row so it does not stay RUNNING.
        support
            .runs()
            .finish(runId, RunOutcome.WORKER_DIED, "claim lost before completion; result dropped");
        throw e;
      }
    };
  }

  private Attempt runHandler(JobData data, JobContext context) {
    try {
      P payload = support.catalogue().bind(type, data.payload());
      handler.handle(payload, context);
      return Attempt.SUCCEEDED;
    } catch (InvalidJobException e) {
      return new Attempt(RunOutcome.FAILED, e, true);
    } catch (PermanentJobFailure e) {
      return new Attempt(RunOutcome.FAILED, e, true);
    } catch (InterruptedException e) {
      // Completion still has to write to the database; a pending interrupt would abort that.
      Thread.interrupted();
      return new Attempt(RunOutcome.FAILED, e, false);
    } catch (Exception | LinkageError | AssertionError e) {
      Thread.interrupted();
      return new Attempt(RunOutcome.FAILED, e, false);
    }
  }

  private AttemptObserver.Next finish(
      long runId,
      JobContext context,
      JobData data,
      Attempt attempt,
      ExecutionComplete complete,
      ExecutionOperations<JobData> operations) {
    String error = attempt.error();
    if (!support.runs().finish(runId, attempt.outcome(), error, context.reported())) {
      // Another worker already declared this attempt dead and revived the execution.
      throw new IllegalStateException(
          "attempt " + runId + " of job " + context.jobId() + " was taken over; result dropped");
    }
    Instant now = support.clock().now();
    if (attempt.outcome() == RunOutcome.SUCCEEDED) {
      Instant requested = context.requestedNextRun();
      if (requested != null) {
        // The handler knows when it is next needed (e.g. an OAuth token's expiry).
        operations.reschedule(complete, requested, data.nextOccurrence());
        return AttemptObserver.Next.NEXT_OCCURRENCE;
      }
      if (data.schedule().recurring()) {
        operations.reschedule(
            complete,
            data.schedule().nextExecution(context.scheduledFor(), now),
            data.nextOccurrence());
        return AttemptObserver.Next.NEXT_OCCURRENCE;
      }
      operations.remove();
      support.jobs().finish(context.jobId(), JobState.COMPLETED, null);
      return AttemptObserver.Next.COMPLETED;
    }
    ExecutionComplete failed =
        ExecutionComplete.failure(
            complete.getExecution(),
            complete.getTimeDone().minus(complete.getDuration()),
            complete.getTimeDone(),
            attempt.failure());
    if (!attempt.permanent() && data.attemptsLeft()) {
      Duration delay = support.backoff().delayBefore(data.attempt() + 1);
      // Tier 1 gave up on a fault that asked for a longer wait (HTTP 429/503 Retry-After).
      Duration asked = TransientJobFailure.retryAfterOf(attempt.failure()).orElse(Duration.ZERO);
      if (asked.compareTo(delay) > 0) {
        delay = asked;
      }
      support.jobs().recordError(context.jobId(), error);
      operations.reschedule(failed, now.plus(delay), data.nextAttempt());
      LOG.info(
          "Job {} attempt {} failed ({}); retrying in {}",
          context.jobId(),
          context.attempt(),
          error,
          delay);
      return AttemptObserver.Next.RETRY;
    }
    if (data.schedule().recurring()) {
      support.jobs().recordError(context.jobId(), error);
      operations.reschedule(
          failed,
          data.schedule().nextExecution(context.scheduledFor(), now),
          data.nextOccurrence());
      return AttemptObserver.Next.NEXT_OCCURRENCE;
    }
    operations.remove();
    support.jobs().finish(context.jobId(), JobState.DEAD, error);
    LOG.warn("Job {} is dead after attempt {}: {}", context.jobId(), context.attempt(), error);
    return AttemptObserver.Next.DEAD;
  }

  /**
   * Used only when an attempt could not even start (e.g. its history row could not be written): the
   * execution is retried later without counting an attempt.
   */
  private static FailureHandler<JobData> retryLaterWhenAttemptCouldNotStart(
      ExecutionSupport support) {
    return (complete, operations) ->
        operations.reschedule(complete, support.clock().now().plus(START_FAILURE_RETRY));
  }

  @SuppressWarnings("unchecked")
  private static DeadExecutionHandler<JobData> reviveDeadExecution(ExecutionSupport support) {
    return (complete, operations) ->
        support
            .transactions()
            .executeWithoutResult(
                tx -> {
                  Execution dead = complete.getExecution();
                  String jobId = dead.taskInstance.getId();
                  JobData data = (JobData) dead.taskInstance.getData();
                  support.runs().markWorkerDied(jobId, dead.pickedBy);
                  if (data.attemptsLeft()) {
                    LOG.warn(
                        "Worker {} died running job {}; running it again", dead.pickedBy, jobId);
                    operations.reschedule(complete, dead.executionTime, data.revived());
                  } else if (data.schedule().recurring()) {
                    operations.reschedule(
                        complete,
                        data.schedule().nextExecution(dead.executionTime, support.clock().now()),
                        data.nextOccurrence());
                  } else {
                    operations.remove();
                    support
                        .jobs()
                        .finish(
                            jobId,
                            JobState.DEAD,
                            "its worker died on each of " + data.maxAttempts() + " attempts");
                  }
                });
  }

  private record Attempt(RunOutcome outcome, Throwable failure, boolean permanent) {
    static final Attempt SUCCEEDED = new Attempt(RunOutcome.SUCCEEDED, null, false);

    String error() {
      if (failure == null) {
        return null;
      }
      String message = failure.getMessage();
      return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
  }
}
