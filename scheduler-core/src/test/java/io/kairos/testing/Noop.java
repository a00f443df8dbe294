package io.kairos.testing;

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import java.time.Duration;

/**
 * A job type of the core's tests that does nothing, optionally for a while: the core knows no type
 * of its own (the built-in {@code noop} is kairos-jobtypes'), so its tests bring this one, under
 * the same name and payload.
 */
public final class Noop implements JobHandler<Noop.Payload> {

  public static final JobType<Payload> TYPE =
      new JobType<>("noop", Payload.class, "Does nothing, optionally for a while.");

  /** {@code {"duration": "PT2S"}}: how long the simulated work takes; absent means none. */
  public record Payload(Duration duration) {
    public Payload {
      duration = duration == null ? Duration.ZERO : duration;
    }
  }

  @Override
  public void handle(Payload payload, JobContext context) throws InterruptedException {
    // In slices, stopping when asked to, as a well-behaved handler does.
    long left = payload.duration().toMillis();
    while (left > 0) {
      context.throwIfCancelled();
      long slice = Math.min(left, 50);
      Thread.sleep(slice);
      left -= slice;
    }
  }
}
