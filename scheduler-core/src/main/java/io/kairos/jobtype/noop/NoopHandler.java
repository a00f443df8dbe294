package io.kairos.jobtype.noop;

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;

/** Does nothing for {@code duration}: demos, tests and benchmarks. */
public final class NoopHandler implements JobHandler<NoopPayload> {

  public static final JobType<NoopPayload> TYPE =
      new JobType<>(
          "noop", NoopPayload.class, "Does nothing, optionally for a while (simulated work).");

  @Override
  public void handle(NoopPayload payload, JobContext context) throws InterruptedException {
    if (!payload.duration().isZero()) {
      // Simulated work: sleeping is the work here, and it stops on interruption like real I/O.
      Thread.sleep(payload.duration().toMillis());
    }
  }
}
