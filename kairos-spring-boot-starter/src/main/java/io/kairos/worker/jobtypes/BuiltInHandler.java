package io.kairos.worker.jobtypes;

import io.kairos.job.JobHandler;
import io.kairos.job.JobType;

/**
 * A built-in job type and what runs it on this worker, registered as an application's own type is
 * (its {@code CustomJobType}): the worker wraps the handler in tier 1 and makes it a task when it
 * serves the type ({@code kairos.worker.built-in-types}).
 */
public record BuiltInHandler<P>(JobType<P> type, JobHandler<P> handler) {}
