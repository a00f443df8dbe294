package io.kairos.execution;

import com.github.kagkarlsson.scheduler.task.AbstractTask;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import com.github.kagkarlsson.scheduler.task.SchedulableTaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import io.kairos.job.JobData;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.LogText;
import io.kairos.job.RunOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The db-scheduler task of one job type; each execution is one attempt, in three steps:
 *
 * <ol>
 *   <li>{@link AttemptStart}: a misfired one-time job is recorded MISSED; otherwise the attempt
 *       starts only while the claim is still this worker's (a read; nothing is written);
 *   <li>{@link AttemptRunner}: the handler runs, with its timeout;
 *   <li>{@link CompletionRecorder}: the result is recorded (history row, job state) and the
 *       execution removed, retried or moved to its next occurrence, as {@link AfterAttempt}
 *       decides, in a transaction shared with other results.
 * </ol>
 *
 * <p>Executions of a worker that died go to this task's dead-execution handler, {@link Revival}; an
 * execution that could not even start (its claim could not be checked, so {@code execute} threw) to
 * its failure handler, which tries it again shortly. Built by {@link JobTasks}.
 */
public final class JobTask<P> extends AbstractTask<JobData> {

  private static final Logger LOG = LoggerFactory.getLogger(JobTask.class);

  private final JobType<P> type;
  private final JobHandler<P> handler;
  private final AttemptStart start;
  private final AttemptRunner runner;
  private final CompletionRecorder recorder;
  private final AfterAttempt after;
  private final ClaimStore claimStore;
  private final HeldClaims claims;

  JobTask(
      JobType<P> type,
      JobHandler<P> handler,
      AttemptStart start,
      AttemptRunner runner,
      CompletionRecorder recorder,
      AfterAttempt after,
      Revival revival,
      ClaimStore claimStore,
      HeldClaims claims) {
    super(
        type.name(),
        JobData.class,
        (complete, operations) -> operations.reschedule(complete, after.notStarted()),
        revival);
    this.claims = claims;
    this.claimStore = claimStore;
    this.type = type;
    this.handler = handler;
    this.start = start;
    this.runner = runner;
    this.recorder = recorder;
    this.after = after;
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
    // db-scheduler heartbeats the claim while this thread has it.
    boolean claimedByLockAndFetch = claims.release(executionContext.getExecution());
    AttemptStart.Outcome started =
        start.begin(type.name(), instance, executionContext.getExecution(), claimedByLockAndFetch);
    if (started instanceof AttemptStart.Missed missed) {
      return (complete, operations) ->
          recorder.recordMissed(missed.context(), missed.reason(), operations);
    }
    if (started instanceof AttemptStart.Skipped skipped) {
      AttemptResult missed =
          new AttemptResult(RunOutcome.MISSED, new OccurrenceMissed(skipped.reason()), true, null);
      return (complete, operations) -> {
        if (recorder.record(
            skipped.attempt(), missed, after.missed(skipped.attempt()), complete, operations)) {
          LOG.info(
              "Job {}: occurrence not run: {}",
              skipped.attempt().context().jobId(),
              skipped.reason());
        }
      };
    }
    if (started instanceof AttemptStart.Held held) {
      // Claimed just before the worker saw the cluster's pause, taken up while this worker drains
      // or
      // has lost its session, or its rate limit filled while it waited for a thread: handed back
      // unstarted, so it runs later (after the resume, or on another worker) as if it had never
      // been claimed (no attempt counted, nothing recorded).
      Execution execution = executionContext.getExecution();
      claimStore.release(type.name(), instance.getId(), execution.version, execution.pickedBy);
      LOG.info("Job {} handed back unstarted: {}", held.context().jobId(), held.why());
      return (complete, operations) -> {};
    }
    if (started instanceof AttemptStart.NotClaimed notClaimed) {
      LOG.warn(
          "Job {} was taken over by another worker before it started here; not running it",
          notClaimed.context().jobId());
      return (complete, operations) -> {};
    }
    StartedAttempt attempt = ((AttemptStart.Began) started).attempt();
    AttemptResult result = runner.run(type, handler, instance, attempt);
    if (result.succeeded()) {
      return (complete, operations) ->
          recorder.record(attempt, result, after.succeeded(attempt), complete, operations);
    }
    if (result.cancelled()) {
      return (complete, operations) -> {
        if (recorder.record(attempt, result, after.cancelled(attempt), complete, operations)) {
          LOG.info(
              "Job {} attempt {} cancelled",
              attempt.context().jobId(),
              attempt.context().attempt());
        }
      };
    }
    // Recorded here rather than thrown to db-scheduler's failure handler, which would log every
    // expected failure as an unhandled exception with its stack trace.
    return (complete, operations) -> {
      Disposition next = after.failed(attempt, result);
      if (recorder.record(attempt, result, next, complete, operations)) {
        logFailure(attempt, result, next);
      }
    };
  }

  /** Why a recurring occurrence was not run (its history row's error). */
  static final class OccurrenceMissed extends RuntimeException {
    OccurrenceMissed(String reason) {
      super(reason, null, false, false);
    }
  }

  private static void logFailure(StartedAttempt attempt, AttemptResult result, Disposition next) {
    String jobId = attempt.context().jobId();
    switch (next.next()) {
      case RETRY ->
          LOG.info(
              "Job {} attempt {} failed ({}); retrying at {}",
              jobId,
              attempt.context().attempt(),
              LogText.oneLine(result.error()),
              next.at());
      case DEAD ->
          LOG.warn(
              "Job {} is dead after attempt {}: {}",
              jobId,
              attempt.context().attempt(),
              LogText.oneLine(result.error()));
      default -> {}
    }
  }
}
