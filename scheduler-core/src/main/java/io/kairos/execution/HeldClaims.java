package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.task.Execution;
import io.kairos.concurrent.DaemonTimers;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claims this worker holds that db-scheduler does not heartbeat: db-scheduler renews the claim
 * of an execution only while a thread runs it, not while it waits in the worker's queue for a
 * thread, nor once its result was handed to the group commit and the thread went on. Either may
 * last longer than the dead-after window on a busy worker or a slow database, and another worker
 * would then revive an execution that is not dead. So those claims are kept here and renewed every
 * {@code every} in one version-checked statement; a claim that no longer matches (its execution
 * ended, or was taken over) is forgotten.
 *
 * <p>A claim is forgotten when its result was written or could not be: a batch that fails leaves
 * its executions picked and no longer renewed, so they are revived once the window passes, as if
 * this worker had died.
 */
final class HeldClaims implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HeldClaims.class);

  private final ConcurrentMap<ExecutionKey, Long> claims = new ConcurrentHashMap<>();

  /** Of the claims, those no thread has taken up yet (claimed by lock-and-fetch, queued). */
  private final ConcurrentMap<ExecutionKey, Execution> unstarted = new ConcurrentHashMap<>();

  private final ClaimStore store;
  private final Clock clock;
  private final ScheduledExecutorService timer;

  HeldClaims(ClaimStore store, Clock clock, Duration every) {
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("claims must be renewed at a positive interval: " + every);
    }
    this.store = store;
    this.clock = clock;
    this.timer = DaemonTimers.newTimer("kairos-held-claims");
    long millis = every.toMillis();
    timer.scheduleWithFixedDelay(this::renewLogged, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Executions this worker just claimed; they wait for a thread (told by lock-and-fetch). */
  public void claimed(Collection<Execution> executions) {
    for (Execution execution : executions) {
      hold(execution);
      unstarted.put(key(execution), execution);
    }
  }

  void hold(Execution execution) {
    claims.put(key(execution), execution.version);
  }

  /**
   * db-scheduler heartbeats it from now on, or its claim ended.
   *
   * @return whether this claim was held here (it was claimed by the worker's lock-and-fetch, or its
   *     result was waiting for its commit)
   */
  boolean release(Execution execution) {
    unstarted.remove(key(execution), execution);
    return claims.remove(key(execution), execution.version);
  }

  /**
   * Hands back, unstarted, every claim no thread has taken up yet (a draining worker: other workers
   * may take them at once). A thread that takes one up later finds it is not this worker's any
   * more.
   *
   * @return how many were handed back
   */
  public int handBackUnstarted() {
    int handedBack = 0;
    for (Execution execution : List.copyOf(unstarted.values())) {
      ExecutionKey key = key(execution);
      if (unstarted.remove(key, execution)) {
        claims.remove(key, execution.version);
        try {
          if (store.release(
              key.taskName(), key.taskInstance(), execution.version, execution.pickedBy)) {
            handedBack++;
          }
        } catch (RuntimeException e) {
          // Left picked and no longer renewed: revived once the dead-after window passes.
          LOG.warn("Could not hand back {}: {}", key, e.toString());
        }
      }
    }
    return handedBack;
  }

  /** How many claims are held here now (tests). */
  int size() {
    return claims.size();
  }

  /** Renews every held claim now; forgets those that no longer match. */
  void renew() {
    Map<ExecutionKey, Long> held = new HashMap<>(claims);
    if (held.isEmpty()) {
      return;
    }
    Set<ExecutionKey> renewed = store.renewClaims(held, clock.now());
    held.forEach(
        (key, version) -> {
          if (!renewed.contains(key)) {
            claims.remove(key, version);
            unstarted.remove(key);
          }
        });
  }

  private void renewLogged() {
    try {
      renew();
    } catch (RuntimeException e) {
      // As a failed db-scheduler heartbeat: the next renewal tries again; if none succeeds within
      // the dead-after window, the executions are revived elsewhere.
      LOG.warn("Could not renew {} held claims: {}", claims.size(), e.toString());
    }
  }

  private static ExecutionKey key(Execution execution) {
    return new ExecutionKey(execution.taskInstance.getTaskName(), execution.taskInstance.getId());
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
