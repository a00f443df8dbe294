package io.kairos.jobtype.noop;

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import java.util.concurrent.TimeUnit;

/**
 * Does nothing for {@code duration}: demos, tests and benchmarks. It behaves as a long handler
 * should: it reports its progress (seconds done of its duration) and stops early when its attempt
 * is asked to stop (a cancel, its timeout).
 */
public final class NoopHandler implements JobHandler<NoopPayload> {

  /** How often it looks at the cancel flag: small against any duration worth cancelling. */
  private static final long SLICE_MILLIS = 100;

  @Override
  public void handle(NoopPayload payload, JobContext context) throws InterruptedException {
    long total = payload.duration().toMillis();
    if (total == 0) {
      return;
    }
    long start = System.nanoTime();
    long done = 0;
    long reported = -1;
    while (done < total) {
      context.throwIfCancelled();
      long seconds = TimeUnit.MILLISECONDS.toSeconds(done);
      if (total >= 1000 && seconds != reported) {
        context.progress(seconds, TimeUnit.MILLISECONDS.toSeconds(total), "waiting");
        reported = seconds;
      }
      // Simulated work: sleeping is the work here, and it stops on interruption like real I/O.
      Thread.sleep(Math.min(SLICE_MILLIS, total - done));
      done = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
  }
}
