package io.kairos.node;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker incarnation's session lock, held for its whole life on a connection of its own, and
 * watched: the moment the session ends while the process lives on (a killed backend, a server
 * restart), the {@link Fence} is told, so the worker stops its attempts before another node can
 * revive them (that takes two looks of the others' {@link SessionWatch}). Then the lock is taken
 * again: if nobody declared this incarnation dead meanwhile, it goes on; if somebody did, its
 * executions were revived, and it comes back as a new incarnation.
 */
public final class NodeSession implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeSession.class);
  private static final SecureRandom KEYS = new SecureRandom();
  private static final long RETRY_MILLIS = 200;

  /** What the worker does when its session goes and comes back. */
  public interface Fence {
    /** The session is gone: other nodes may revive this worker's executions any moment now. */
    void lost();

    /**
     * The session is back.
     *
     * @param reincarnated whether this worker was declared dead meanwhile (its executions were
     *     revived) and registered again as a new incarnation
     */
    void restored(boolean reincarnated);
  }

  private final NodeSessionStore store;
  private final NodeStore nodes;
  private final String name;
  private volatile NodeSessionStore.Held held;
  private volatile boolean closed;
  private Thread keeper;

  /** Takes a new incarnation's lock; {@link #held()} is what to register the node with. */
  public NodeSession(NodeSessionStore store, NodeStore nodes, String name) throws SQLException {
    this.store = store;
    this.nodes = nodes;
    this.name = name;
    this.held = store.take(newIncarnation());
  }

  public NodeSessionStore.Held held() {
    return held;
  }

  /** From now on, watches the session and tells {@code fence} when it goes and comes back. */
  public synchronized void watch(Fence fence, Supplier<WorkerNode.State> state) {
    if (keeper != null) {
      throw new IllegalStateException("already watched");
    }
    keeper = new Thread(() -> keep(fence, state), "kairos-node-session");
    keeper.setDaemon(true);
    keeper.start();
  }

  private void keep(Fence fence, Supplier<WorkerNode.State> state) {
    while (!closed) {
      if (!held.lost(1_000)) {
        continue;
      }
      if (closed) {
        return;
      }
      LOG.warn(
          "Node {} lost its database session: stopping its attempts before others revive them",
          name);
      fence.lost();
      NodeSessionStore.Held lost = held;
      lost.close();
      NodeSessionStore.Held again = retake(lost.incarnation());
      if (again == null) {
        return;
      }
      held = again;
      if (nodes.sessionRetaken(name, again)) {
        LOG.info("Node {} has its database session again", name);
        fence.restored(false);
        continue;
      }
      NodeSessionStore.Held next = retake(newIncarnation());
      if (next == null) {
        return;
      }
      again.close();
      held = next;
      if (nodes.reincarnate(name, lost.incarnation(), next, state.get())) {
        LOG.warn(
            "Node {} was declared dead while its session was gone (its executions were revived);"
                + " registered again as a new incarnation",
            name);
        fence.restored(true);
      } else {
        LOG.error(
            "Node {} was declared dead while its session was gone, and its name is taken by"
                + " another worker: this worker claims nothing more",
            name);
        return;
      }
    }
  }

  /** Takes the lock again, retrying until the database answers; null once closed. */
  private NodeSessionStore.Held retake(long incarnation) {
    while (!closed) {
      try {
        return store.take(incarnation);
      } catch (SQLException | RuntimeException e) {
        LOG.debug("Node {} cannot take its session lock yet: {}", name, e.toString());
        try {
          Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }
    return null;
  }

  private static long newIncarnation() {
    return KEYS.nextLong();
  }

  /** Ends the session: the lock is free, and other nodes judge this node by its row's state. */
  @Override
  public void close() {
    closed = true;
    held.close();
    Thread thread = keeper;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
