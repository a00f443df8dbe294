package io.kairos.jobtype.noop;

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;

/** Does nothing for {@code duration}: demos, tests and benchmarks. */
public final class NoopHandler implements JobHandler<NoopPayload> {

  @Override
  public void handle(NoopPayload payload, JobContext context) throws InterruptedException {
    if (!payload.duration().isZero()) {
      // Simulated work: sleeping is the work here, and it stops on interruption like real I/O.
      Thread.sleep(payload.duration().toMillis());
    }
  }
}
