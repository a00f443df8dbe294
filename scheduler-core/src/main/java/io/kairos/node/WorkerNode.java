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
    STOPPED
  }
}
