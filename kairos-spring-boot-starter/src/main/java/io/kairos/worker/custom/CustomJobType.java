package io.kairos.worker.custom;

import io.kairos.job.JobHandler;
import io.kairos.job.JobType;

/** An application's own job type and what runs it, as found on its beans. */
public record CustomJobType<P>(JobType<P> type, JobHandler<P> handler, String declaredBy) {}
