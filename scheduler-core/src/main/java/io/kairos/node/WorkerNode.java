package io.kairos.node;

import java.time.Instant;

/** A worker replica as it last reported itself. */
public record WorkerNode(
    String name,
    String host,
    long pid,
    Instant startedAt,
    Instant lastSeen,
    State state,
    int running) {

  public enum State {
    RUNNING,
    /** Stopped claiming; finishing in-flight executions before it exits. */
    DRAINING,
    STOPPED,
    /**
     * Declared dead by another node, which found its database session gone and revived its
     * executions; it may come back only as a new incarnation.
     */
    DEAD
  }
}
