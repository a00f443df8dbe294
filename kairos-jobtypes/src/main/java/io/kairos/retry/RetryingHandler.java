package io.kairos.retry;

import io.github.resilience4j.retry.Retry;
import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tier 1 of the two retry tiers, as a decorator: runs the handler inside a Resilience4j {@link
 * Retry}, which retries {@link io.kairos.job.TransientJobFailure}s only (see {@link
 * RetryPolicy#retries}). Everything else, and the last transient failure once the retry gives up,
 * reaches {@code JobTask} unchanged, where the persisted tier (tier 2) decides: reschedule, or
 * dead.
 *
 * <p>All tries of one attempt share the attempt's {@link JobContext}: the same occurrence id (the
 * idempotency key), one history row. How many tries it took is added to the attempt's detail.
 * Interruption (timeout, lost lease) ends the waiting between tries at once.
 */
public final class RetryingHandler<P> implements JobHandler<P> {

  private final JobHandler<P> delegate;
  private final Retry retry;

  public RetryingHandler(JobHandler<P> delegate, Retry retry) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.retry = Objects.requireNonNull(retry, "retry");
  }

  /** The handler with tier 1 around it; unchanged when the policy allows a single try. */
  public static <P> JobHandler<P> decorate(JobHandler<P> handler, Retry retry) {
    if (retry.getRetryConfig().getMaxAttempts() <= 1) {
      return handler;
    }
    return new RetryingHandler<>(handler, retry);
  }

  public Retry retry() {
    return retry;
  }

  @Override
  public void handle(P payload, JobContext context) throws Exception {
    AtomicInteger tries = new AtomicInteger();
    try {
      Retry.decorateCheckedRunnable(
              retry,
              () -> {
                // An attempt asked to stop is not tried again in process.
                context.throwIfCancelled();
                tries.incrementAndGet();
                delegate.handle(payload, context);
              })
          .run();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    } finally {
      if (tries.get() > 1) {
        String note = tries.get() + " tries in process";
        String reported = context.reported();
        context.report(reported == null ? note : reported + " (" + note + ")");
      }
    }
  }
}
