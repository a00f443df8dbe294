package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import io.kairos.job.JobData;
import io.kairos.job.LogText;
import io.kairos.job.TransientJobFailure;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tier 2 of the retry tiers, as db-scheduler's {@link FailureHandler}. Tier 1 (in process, around
 * the handler) retries transient faults within an attempt; whatever it gives up on ends the attempt
 * FAILED or TIMED_OUT and arrives here. While the job has attempts left and the fault is not
 * permanent, the execution is rescheduled after {@link PersistedBackoff} (or the fault's {@code
 * Retry-After}, if longer) with {@code attempt + 1}, so any worker may take it. Otherwise a
 * recurring job moves on to its next occurrence and a one-time job is DEAD (kept with its payload
 * and last error).
 */
final class PersistedRetryTier implements FailureHandler<JobData> {

  private static final Logger LOG = LoggerFactory.getLogger(PersistedRetryTier.class);

  /** When an attempt could not even start (its claim could not be checked). */
  private static final Duration START_FAILURE_RETRY = Duration.ofSeconds(5);

  private final CompletionRecorder recorder;
  private final PersistedBackoff backoff;
  private final Clock clock;

  PersistedRetryTier(CompletionRecorder recorder, PersistedBackoff backoff, Clock clock) {
    this.recorder = recorder;
    this.backoff = backoff;
    this.clock = clock;
  }

  @Override
  public void onFailure(ExecutionComplete complete, ExecutionOperations<JobData> operations) {
    if (!(complete.getCause().orElse(null) instanceof AttemptFailed failed)) {
      // Nothing ran: the execution is tried again later without counting an attempt.
      operations.reschedule(complete, clock.now().plus(START_FAILURE_RETRY));
      return;
    }
    StartedAttempt attempt = failed.attempt();
    AttemptResult result = failed.result();
    Disposition next = after(attempt, result);
    if (!recorder.record(attempt, result, next, complete, operations)) {
      return;
    }
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

  private Disposition after(StartedAttempt attempt, AttemptResult result) {
    JobData data = attempt.data();
    Instant now = clock.now();
    if (!result.permanent() && data.attemptsLeft()) {
      Duration delay = backoff.delayBefore(data.attempt() + 1);
      // Tier 1 gave up on a fault that asked for a longer wait (HTTP 429/503 Retry-After).
      Duration asked = TransientJobFailure.retryAfterOf(result.failure()).orElse(Duration.ZERO);
      if (asked.compareTo(delay) > 0) {
        delay = asked;
      }
      return Disposition.retry(now.plus(delay), data.nextAttempt());
    }
    if (data.schedule().recurring()) {
      return Disposition.nextOccurrence(
          data.schedule().nextExecution(attempt.context().scheduledFor(), now),
          data.nextOccurrence());
    }
    return Disposition.dead();
  }
}
