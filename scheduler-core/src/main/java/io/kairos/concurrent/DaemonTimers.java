package io.kairos.concurrent;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one way Kairos makes the single-thread timers behind its periodic chores (the database clock,
 * claim renewals, the lease guard, attempt timeouts, wake-ups, a worker's reports and checks): a
 * daemon thread, so a timer never keeps a JVM alive, named for what it does, so a thread dump says
 * whose it is.
 */
public final class DaemonTimers {

  private DaemonTimers() {}

  /**
   * A timer on one daemon thread named {@code threadName}. A cancelled task leaves its queue at
   * once: an attempt's timeout, an hour away and cancelled when the attempt ends, would otherwise
   * be held until its hour passed (about 130 bytes each, found by the benchmark's memory reading).
   * Stop it with {@code shutdownNow()}.
   */
  public static ScheduledThreadPoolExecutor newTimer(String threadName) {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, threadName);
              thread.setDaemon(true);
              return thread;
            });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }
}
