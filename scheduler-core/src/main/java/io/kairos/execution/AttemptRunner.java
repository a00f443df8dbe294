package io.kairos.execution;

import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.catalogue.SealedJob;
import io.kairos.catalogue.SecretsNeedAKey;
import io.kairos.control.JobRequests;
import io.kairos.crypto.SecretCipher;
import io.kairos.job.AttemptCancelled;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRequest;
import io.kairos.job.JobType;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.RunOutcome;
import io.kairos.job.SchedulePolicy;
import io.kairos.job.ScheduleSpec;
import io.kairos.tracing.AttemptSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The second step: binds the payload and runs the handler (wrapped in tier 1, the in-process
 * retries, by whoever built the handler), asked to stop at its timeout or on an operator's cancel
 * (and interrupted a grace later), interrupted at once when the lease guard revokes it, and
 * classifies what happened. Never throws: every failure becomes an {@link AttemptResult}.
 */
final class AttemptRunner {

  private final JobCatalogue catalogue;
  private final PayloadSecrets secrets;
  private final TimeoutPolicy timeouts;
  private final RunningAttempts attempts;
  private final ScheduledExecutorService timer;
  private final JobRequests followUps;

  AttemptRunner(
      JobCatalogue catalogue,
      PayloadSecrets secrets,
      TimeoutPolicy timeouts,
      RunningAttempts attempts,
      ScheduledExecutorService timer,
      JobRequests followUps) {
    this.followUps = followUps;
    this.catalogue = catalogue;
    this.secrets = secrets;
    this.timeouts = timeouts;
    this.attempts = attempts;
    this.timer = timer;
  }

  <P> AttemptResult run(
      JobType<P> type, JobHandler<P> handler, TaskInstanceId execution, StartedAttempt attempt) {
    Duration timeout = timeouts.forAttempt(type.name(), attempt.data().timeout());
    RunningAttempts.Attempt running =
        attempts.begin(
            execution,
            attempt.execution().version,
            attempt.context().signals(),
            overlappedAt(attempt));
    ScheduledFuture<?> timeoutTimer =
        timer.schedule(
            () -> running.timeOut("ran longer than its timeout of " + timeout),
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    AttemptResult result;
    try (AttemptSpan span = AttemptSpan.start(type.name(), execution.getId(), attempt.data())) {
      result = classify(type, handler, execution.getId(), attempt);
      span.ended(result.outcome().name(), result.failure());
    } finally {
      timeoutTimer.cancel(false);
      attempts.end(execution, running);
      // A timeout or revocation may have interrupted us after the handler returned.
      Thread.interrupted();
    }
    if (running.cancelled() && !result.succeeded()) {
      // Asked to stop by an operator: whatever the handler threw on the way out, the attempt was
      // cancelled, not failed. One that finished its work regardless is recorded as it ended.
      result =
          new AttemptResult(
              RunOutcome.CANCELLED,
              new AttemptCancelled(attempt.context().signals().stopReason()),
              true,
              null);
    } else if (running.timedOut()) {
      result =
          new AttemptResult(
              RunOutcome.TIMED_OUT,
              new TimeoutException("ran longer than " + timeout),
              false,
              null);
    }
    return running.revokedBecause() == null
        ? result
        : new AttemptResult(
            result.outcome(), result.failure(), result.permanent(), running.revokedBecause());
  }

  /** When the next occurrence cancels this attempt, if its schedule's overlap policy says so. */
  private static Instant overlappedAt(StartedAttempt attempt) {
    ScheduleSpec schedule = attempt.data().schedule();
    if (!schedule.recurring()
        || schedule.effectivePolicy().overlap() != SchedulePolicy.Overlap.CANCEL_RUNNING) {
      return null;
    }
    Instant scheduledFor = attempt.context().scheduledFor();
    return schedule.nextExecution(scheduledFor, scheduledFor);
  }

  private <P> AttemptResult classify(
      JobType<P> type, JobHandler<P> handler, String jobId, StartedAttempt attempt) {
    try {
      // Secret values are opened here, just before the handler, and live only in the bound
      // payload it gets: never in task data, history or a log line.
      P payload;
      try {
        payload = catalogue.bind(type, secrets.open(type.name(), jobId, attempt.data().payload()));
      } catch (InvalidJobException invalid) {
        // Accepted when created, refused now (its type changed since): no retry can fix it.
        attempt.context().report("payload refused by this worker: " + invalid.getMessage());
        throw invalid;
      }
      handler.handle(payload, attempt.context());
      // Checked and sealed now, so an invalid follow-up (or one with secrets and no key to seal
      // them) fails this attempt, naming the field, rather than the batch that records it.
      List<SealedJob> jobs = new ArrayList<>();
      for (JobRequest request : attempt.context().requestedFollowUps()) {
        try {
          jobs.add(secrets.seal(followUps.toNewJob(request, "job:" + jobId)));
        } catch (InvalidJobException invalid) {
          throw invalid.within("followUp[" + request.id() + "]");
        }
      }
      return new AttemptResult(RunOutcome.SUCCEEDED, null, false, null, jobs);
    } catch (InvalidJobException
        | PermanentJobFailure
        | SecretCipher.SecretUnreadable
        | SecretsNeedAKey e) {
      return new AttemptResult(RunOutcome.FAILED, e, true, null);
    } catch (InterruptedException e) {
      // Completion still has to write to the database; a pending interrupt would abort that.
      Thread.interrupted();
      return new AttemptResult(RunOutcome.FAILED, e, false, null);
    } catch (Exception | LinkageError | AssertionError e) {
      Thread.interrupted();
      return new AttemptResult(RunOutcome.FAILED, e, false, null);
    }
  }
}
