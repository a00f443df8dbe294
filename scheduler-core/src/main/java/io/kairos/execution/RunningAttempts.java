package io.kairos.execution;

import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The attempts running in this JVM, so they can be stopped from outside their thread: by their
 * timeout, or by the {@link LeaseGuard} when this worker can no longer prove it holds their claim.
 */
public final class RunningAttempts {

  private final ConcurrentMap<String, Attempt> running = new ConcurrentHashMap<>();

  /** Why no attempt may start here now (null: they may). */
  private volatile String heldBack;

  Attempt begin(TaskInstanceId execution) {
    Attempt attempt = new Attempt(Thread.currentThread());
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
  static final class Attempt {
    private final Thread thread;
    private boolean active = true;
    private volatile String revokedBecause;
    private volatile boolean timedOut;

    private Attempt(Thread thread) {
      this.thread = thread;
    }

    /** Lease lost: interrupt, and never record this attempt's result. */
    synchronized void revoke(String reason) {
      revokedBecause = reason;
      if (active) {
        thread.interrupt();
      }
    }

    synchronized void timeOut() {
      if (active) {
        timedOut = true;
        thread.interrupt();
      }
    }

    /** After this, no timer or guard can interrupt the thread any more. */
    synchronized void finish() {
      active = false;
    }

    boolean timedOut() {
      return timedOut;
    }

    String revokedBecause() {
      return revokedBecause;
    }
  }
}
