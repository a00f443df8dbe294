package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import io.kairos.job.JobData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to an execution whose worker stopped heartbeating, as db-scheduler's {@link
 * DeadExecutionHandler}: the attempt it was running is recorded WORKER_DIED (from the execution:
 * nothing was written when it started) and the occurrence runs again, keeping its scheduled time,
 * flagged {@code recovered} — while it has attempts left. Otherwise a recurring job moves on to its
 * next occurrence and a one-time job is DEAD.
 */
final class Revival implements DeadExecutionHandler<JobData> {

  private static final Logger LOG = LoggerFactory.getLogger(Revival.class);

  private final CompletionRecorder recorder;
  private final Clock clock;

  Revival(CompletionRecorder recorder, Clock clock) {
    this.recorder = recorder;
    this.clock = clock;
  }

  @Override
  public void deadExecution(ExecutionComplete complete, ExecutionOperations<JobData> operations) {
    Execution dead = complete.getExecution();
    @SuppressWarnings("unchecked")
    JobData data = (JobData) dead.taskInstance.getData();
    String jobId = dead.taskInstance.getId();
    Disposition next;
    if (data.attemptsLeft()) {
      LOG.warn("Worker {} died running job {}; running it again", dead.pickedBy, jobId);
      next = Disposition.retry(dead.executionTime, data.revived());
    } else if (data.schedule().recurring()) {
      next =
          Disposition.nextOccurrence(
              data.schedule().nextExecution(dead.executionTime, clock.now()),
              data.nextOccurrence());
    } else {
      next = Disposition.dead();
    }
    recorder.recordWorkerDied(
        dead,
        data,
        next,
        "its worker died on each of " + data.maxAttempts() + " attempts",
        complete,
        operations);
  }
}
