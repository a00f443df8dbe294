package io.kairos.node;

import java.time.Instant;

/**
 * A worker node as the cluster sees it now, judged on the database clock.
 *
 * @param since when it entered {@code status}: for {@link Status#UNRESPONSIVE}, when it was last
 *     heard from; otherwise when it last changed state
 */
public record NodeState(WorkerNode node, Status status, Instant since) {

  public enum Status {
    /** Heartbeating and holding its database session. */
    ALIVE,
    /**
     * Registered and not stopped, but silent (no report within the unresponsive window) or without
     * its database session: it may be partitioned, paused or dying. Its executions are revived once
     * its session is seen gone, or its heartbeats stay away for the dead-after window.
     */
    UNRESPONSIVE,
    /** Gone without stopping: its executions were (or are being) revived elsewhere. */
    DEAD,
    /** Stopping: claims nothing, finishes what it runs. */
    DRAINING,
    /** Stopped cleanly. */
    STOPPED
  }
}
