package io.kairos.execution;

import com.github.kagkarlsson.scheduler.CurrentlyExecuting;
import io.kairos.concurrent.DaemonTimers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops this worker's attempts before the rest of the cluster may consider them dead. The others
 * revive an execution whose heartbeat is older than the dead-after window; this guard revokes
 * (interrupts, and drops the result of) every attempt whose last successful heartbeat is older than
 * dead-after − margin. So two attempts of one occurrence never overlap, even when this worker is
 * cut off from the database mid-execution (no overlap, even under partition).
 */
public final class LeaseGuard implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseGuard.class);

  private final Supplier<List<CurrentlyExecuting>> executing;
  private final RunningAttempts attempts;
  private final double revokeAtFractionDead;
  private final Duration revokeAfter;
  private final ScheduledExecutorService checker;

  /**
   * @param executing db-scheduler's currently executing list ({@code
   *     scheduler::getCurrentlyExecuting})
   * @param deadAfter heartbeat-interval × missed-heartbeats-limit
   * @param margin how long before dead-after to give up; must be shorter than dead-after and should
   *     exceed the time a handler needs to notice an interrupt
   */
  public LeaseGuard(
      Supplier<List<CurrentlyExecuting>> executing,
      RunningAttempts attempts,
      Duration deadAfter,
      Duration margin,
      Duration checkEvery) {
    if (margin.isNegative() || margin.isZero() || margin.compareTo(deadAfter) >= 0) {
      throw new IllegalArgumentException(
          "lease margin ("
              + margin
              + ") must be positive and shorter than dead-after ("
              + deadAfter
              + ")");
    }
    this.executing = executing;
    this.attempts = attempts;
    this.revokeAfter = deadAfter.minus(margin);
    this.revokeAtFractionDead = (double) revokeAfter.toMillis() / deadAfter.toMillis();
    this.checker = DaemonTimers.newTimer("kairos-lease-guard");
    checker.scheduleWithFixedDelay(
        this::check, checkEvery.toMillis(), checkEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  void check() {
    try {
      for (CurrentlyExecuting current : executing.get()) {
        if (current.getHeartbeatState().getFractionDead() >= revokeAtFractionDead
            && attempts.revoke(
                current.getExecution().taskInstance,
                "no successful heartbeat for " + revokeAfter.toMillis() + " ms")) {
          LOG.warn(
              "Lease lost for {}: no successful heartbeat for {} ms; interrupted, result will be"
                  + " dropped ({})",
              current.getExecution().taskInstance,
              revokeAfter.toMillis(),
              current.getHeartbeatState().describe());
        }
      }
    } catch (RuntimeException e) {
      LOG.error("Lease guard check failed", e);
    }
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }
}
