package io.kairos.execution;

import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import io.kairos.execution.AttemptObserver.Next;
import io.kairos.job.JobData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to an execution whose worker stopped heartbeating, as db-scheduler's {@link
 * DeadExecutionHandler}: the attempt it was running is recorded WORKER_DIED (from the execution:
 * nothing was written when it started), and the execution goes where {@link AfterAttempt} decides
 * (the occurrence again, flagged {@code recovered}, while the job has attempts left).
 */
final class Revival implements DeadExecutionHandler<JobData> {

  private static final Logger LOG = LoggerFactory.getLogger(Revival.class);

  private final CompletionRecorder recorder;
  private final AfterAttempt after;

  Revival(CompletionRecorder recorder, AfterAttempt after) {
    this.recorder = recorder;
    this.after = after;
  }

  @Override
  public void deadExecution(ExecutionComplete complete, ExecutionOperations<JobData> operations) {
    Execution dead = complete.getExecution();
    @SuppressWarnings("unchecked")
    JobData data = (JobData) dead.taskInstance.getData();
    String jobId = dead.taskInstance.getId();
    Disposition next = after.workerDied(dead, data);
    if (next.next() == Next.RETRY) {
      LOG.warn("Worker {} died running job {}; running it again", dead.pickedBy, jobId);
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
