package io.kairos.fault;

import io.kairos.control.JobSubmitter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Submits jobs due at once ({@code prefix} + a number) at a steady rate from a thread of its own,
 * as an application would, and keeps apart the ones whose submission returned (the client was told
 * they exist) from the ones whose submission failed (the database was away: outcome unknown to the
 * client, as with any commit whose answer is lost).
 */
final class Feeder implements AutoCloseable {

  final List<String> accepted = new CopyOnWriteArrayList<>();
  final List<String> failed = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  Feeder(FaultCluster cluster, String prefix, long millis, double perSecond) {
    JobSubmitter submitter = cluster.submitter();
    long every = (long) (1_000_000_000L / perSecond);
    thread =
        new Thread(
            () -> {
              long next = System.nanoTime();
              int n = 0;
              while (running.get()) {
                String id = prefix + n++;
                try {
                  cluster.submit(submitter, id, millis, Instant.now());
                  accepted.add(id);
                } catch (RuntimeException e) {
                  failed.add(id);
                }
                next += every;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                  try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }
            },
            "feeder-" + prefix);
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops submitting; returns once the last submission returned. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join();
  }
}
