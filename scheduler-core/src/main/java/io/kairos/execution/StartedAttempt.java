package io.kairos.execution;

import com.github.kagkarlsson.scheduler.task.Execution;
import io.kairos.job.JobContext;
import io.kairos.job.JobData;
import java.time.Instant;

/**
 * An attempt that began under its claim. Nothing of it is written yet: its history row is written
 * whole at completion, with the execution's end, under the same claim.
 *
 * @param execution the execution as this worker claimed it (its version conditions every write)
 * @param startedAt this worker's clock (the database's, in a worker) when it began
 */
record StartedAttempt(JobContext context, JobData data, Execution execution, Instant startedAt) {}
