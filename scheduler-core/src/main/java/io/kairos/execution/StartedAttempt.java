package io.kairos.execution;

import io.kairos.job.JobContext;
import io.kairos.job.JobData;
import java.time.Instant;

/**
 * An attempt that began under its claim: its history row ({@code runId}) says RUNNING.
 *
 * @param startedAt this worker's clock when it began, for the start-delay metric
 */
record StartedAttempt(long runId, JobContext context, JobData data, Instant startedAt) {}
