package io.kairos.bench.measure;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One SIGKILL of the worker running a job, timed on the database clock.
 *
 * @param killedNode the worker that was killed
 * @param killedAt when the signal was sent
 * @param heartbeatAge how old the execution's last heartbeat was at the kill: the dead-after window
 *     runs from that heartbeat, not from the kill
 * @param declaredDead kill → the lost attempt marked WORKER_DIED and the execution revived; empty
 *     if not within the bound
 * @param rerun kill → start of the recovered attempt; empty if not within the bound
 * @param rerunNode where the recovered attempt ran
 */
public record FailoverRound(
    int round,
    String killedNode,
    Instant killedAt,
    Duration heartbeatAge,
    Optional<Duration> declaredDead,
    Optional<Duration> rerun,
    Optional<String> rerunNode) {

  /** declared dead → re-run: the poll or wake-up that picks up the revived execution. */
  public Optional<Duration> pickUp() {
    return declaredDead.flatMap(dead -> rerun.map(run -> run.minus(dead)));
  }

  @Override
  public String toString() {
    return String.format(
        "failover round %d: killed %s (last heartbeat %d ms before), declared dead after %s,"
            + " re-run after %s on %s",
        round,
        killedNode,
        heartbeatAge.toMillis(),
        declaredDead.map(d -> d.toMillis() + " ms").orElse("—"),
        rerun.map(d -> d.toMillis() + " ms").orElse("—"),
        rerunNode.orElse("—"));
  }
}
