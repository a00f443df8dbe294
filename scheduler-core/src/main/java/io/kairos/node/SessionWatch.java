package io.kairos.node;

import io.kairos.concurrent.DaemonTimers;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Every live node looks, every {@code every}, for nodes whose session lock is free: their process
 * died (PostgreSQL ended its sessions), or they lost their session. A node seen without its lock in
 * two checks in a row is declared DEAD and its executions are revived at once. The second look
 * gives a worker that merely lost its session (a killed backend) time to notice — it notices at
 * once — and to stop its attempts before anyone revives them ({@link NodeSession}).
 */
public final class SessionWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SessionWatch.class);

  /** Revives a dead node's executions. */
  @FunctionalInterface
  public interface Reviver {
    void revive(String deadNode, List<NodeSessionStore.Claim> executions);
  }

  private final NodeSessionStore store;
  private final TransactionOperations transactions;
  private final String self;
  private final Reviver reviver;
  private final ScheduledExecutorService timer;
  private Set<NodeSessionStore.Sessionless> seenBefore = Set.of();

  public SessionWatch(
      NodeSessionStore store,
      TransactionOperations transactions,
      String self,
      Duration every,
      Reviver reviver) {
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("the session check interval must be positive: " + every);
    }
    this.store = store;
    this.transactions = transactions;
    this.self = self;
    this.reviver = reviver;
    this.timer = DaemonTimers.newTimer("kairos-session-watch");
    long millis = every.toMillis();
    timer.scheduleWithFixedDelay(this::checkLogged, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** One look; declares and revives the nodes seen without their lock in the look before too. */
  void check() {
    Set<NodeSessionStore.Sessionless> now = new HashSet<>(store.sessionless());
    now.removeIf(node -> node.name().equals(self));
    for (NodeSessionStore.Sessionless node : now) {
      if (!seenBefore.contains(node)) {
        continue;
      }
      Optional<List<NodeSessionStore.Claim>> declared =
          transactions.execute(tx -> store.declareDead(node));
      if (declared == null || declared.isEmpty()) {
        continue;
      }
      List<NodeSessionStore.Claim> executions = declared.get();
      LOG.warn(
          "Node {} lost its database session: declared dead, reviving its {} executions",
          node.name(),
          executions.size());
      reviver.revive(node.name(), executions);
    }
    seenBefore = now;
  }

  private void checkLogged() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.debug("Session check failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
