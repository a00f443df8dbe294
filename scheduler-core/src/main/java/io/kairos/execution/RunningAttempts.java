package io.kairos.execution;

import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import io.kairos.job.AttemptSignals;
import io.kairos.running.AttemptSignalStore.Claim;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The attempts running in this JVM, so they can be stopped from outside their thread: by their
 * timeout or an operator's cancel (both ask the handler to stop through its context, then interrupt
 * its thread after the cancel grace), or by the {@link LeaseGuard} when this worker can no longer
 * prove it holds their claim (interrupted at once).
 */
public final class RunningAttempts {

  private final ConcurrentMap<String, Attempt> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final Duration cancelGrace;

  /** Why no attempt may start here now (null: they may). */
  private volatile String heldBack;

  /**
   * @param timer interrupts the attempts still running a grace after they were asked to stop
   * @param cancelGrace how long a handler asked to stop may take before its thread is interrupted
   */
  RunningAttempts(ScheduledExecutorService timer, Duration cancelGrace) {
    this.timer = timer;
    this.cancelGrace = cancelGrace;
  }

  /**
   * @param overlappedAt when its next occurrence falls due, for a recurring job whose overlap
   *     policy cancels the running attempt then; null otherwise
   */
  Attempt begin(
      TaskInstanceId execution, long version, AttemptSignals signals, Instant overlappedAt) {
    Attempt attempt =
        new Attempt(
            Thread.currentThread(),
            execution.getTaskName(),
            new Claim(execution.getId(), version),
            signals,
            overlappedAt);
    running.put(execution.getTaskName() + "/" + execution.getId(), attempt);
    return attempt;
  }

  void end(TaskInstanceId execution, Attempt attempt) {
    running.remove(execution.getTaskName() + "/" + execution.getId(), attempt);
    attempt.finish();
  }

  /**
   * Interrupts the attempt running this execution, if any, and makes sure its result is dropped.
   *
   * @return whether an attempt was running
   */
  public boolean revoke(TaskInstanceId execution, String reason) {
    Attempt attempt = running.get(execution.getTaskName() + "/" + execution.getId());
    if (attempt == null) {
      return false;
    }
    attempt.revoke(reason);
    return true;
  }

  /** The attempts running now. */
  List<Attempt> snapshot() {
    return List.copyOf(running.values());
  }

  /**
   * Revokes every attempt running now: interrupted, their results dropped.
   *
   * @return how many were running
   */
  public int revokeAll(String reason) {
    int revoked = 0;
    for (Attempt attempt : running.values()) {
      attempt.revoke(reason);
      revoked++;
    }
    return revoked;
  }

  /**
   * From now on no attempt starts in this worker: executions its threads take up are handed back
   * unstarted (draining, or the worker lost its database session).
   */
  public void holdBack(String reason) {
    heldBack = reason;
  }

  /** Attempts may start again. */
  public void resume() {
    heldBack = null;
  }

  /** Why attempts are held back, or null if they are not. */
  public String heldBack() {
    return heldBack;
  }

  public int size() {
    return running.size();
  }

  /** One attempt's thread and what stopped it. */
  final class Attempt {
    private final Thread thread;
    private final String taskName;
    private final Claim claim;
    private final AttemptSignals signals;
    private final Instant overlappedAt;
    private boolean active = true;
    private ScheduledFuture<?> interruptAfterGrace;
    private volatile String revokedBecause;
    private volatile boolean timedOut;
    private volatile boolean cancelled;

    private Attempt(
        Thread thread, String taskName, Claim claim, AttemptSignals signals, Instant overlappedAt) {
      this.overlappedAt = overlappedAt;
      this.thread = thread;
      this.taskName = taskName;
      this.claim = claim;
      this.signals = signals;
    }

    /** Lease lost: interrupt, and never record this attempt's result. */
    synchronized void revoke(String reason) {
      revokedBecause = reason;
      if (active) {
        thread.interrupt();
      }
    }

    /** Its timeout passed: asked to stop, like a cancel, and recorded TIMED_OUT. */
    synchronized void timeOut(String reason) {
      if (active && !cancelled) {
        timedOut = true;
        stop(reason);
      }
    }

    /** An operator asked it to stop: recorded CANCELLED unless it succeeds first. */
    synchronized void cancel(String reason) {
      if (active && !timedOut && !cancelled) {
        cancelled = true;
        stop(reason);
      }
    }

    private void stop(String reason) {
      signals.requestStop(reason);
      if (cancelGrace.isZero()) {
        thread.interrupt();
      } else {
        interruptAfterGrace =
            timer.schedule(this::interruptIfActive, cancelGrace.toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    private synchronized void interruptIfActive() {
      if (active) {
        thread.interrupt();
      }
    }

    /** After this, no timer or guard can interrupt the thread any more. */
    synchronized void finish() {
      active = false;
      if (interruptAfterGrace != null) {
        interruptAfterGrace.cancel(false);
      }
    }

    boolean timedOut() {
      return timedOut;
    }

    boolean cancelled() {
      return cancelled;
    }

    String revokedBecause() {
      return revokedBecause;
    }

    String taskName() {
      return taskName;
    }

    Claim claim() {
      return claim;
    }

    AttemptSignals signals() {
      return signals;
    }

    /** When its next occurrence cancels it (overlap policy CANCEL_RUNNING), or null. */
    Instant overlappedAt() {
      return overlappedAt;
    }
  }
}
