package io.kairos.cluster;

import io.kairos.schema.KairosSchema;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The cluster-wide pause: one row in {@code kairos_control}, the only owner of that table. While it
 * is paused no worker claims an execution anywhere: every claim reads it in its statement (the
 * worker's lock-and-fetch), and workers poll it and stop polling (db-scheduler's {@code
 * Scheduler.pause()}). An execution claimed just before a pause still starts if taken up at once; a
 * later start reads the switch again and hands the execution back. Attempts running when the pause
 * begins finish normally. Times are the database's.
 */
public final class ClusterSwitch {

  private final ClusterSwitchStore store;
  private volatile boolean seenPaused;

  public ClusterSwitch(DataSource dataSource, KairosSchema schema) {
    this.store = new ClusterSwitchStore(dataSource, schema);
  }

  /**
   * Whether the cluster is paused; {@code since} and {@code by}: when and by whom that last changed
   * (null before it ever did); {@code pausedAt} / {@code resumedAt}: the last pause.
   */
  public record State(
      boolean paused, Instant since, String by, Instant pausedAt, Instant resumedAt) {

    /**
     * How much of {@code from}..{@code to} the cluster spent in its last pause (a finished one, or
     * the current one up to {@code to}).
     */
    public Duration pausedBetween(Instant from, Instant to) {
      if (pausedAt == null) {
        return Duration.ZERO;
      }
      Instant end = paused || resumedAt == null ? to : min(resumedAt, to);
      Instant start = pausedAt.isAfter(from) ? pausedAt : from;
      return end.isAfter(start) ? Duration.between(start, end) : Duration.ZERO;
    }

    private static Instant min(Instant a, Instant b) {
      return a.isBefore(b) ? a : b;
    }
  }

  public State state() {
    State state = store.state();
    seenPaused = state.paused();
    return state;
  }

  public boolean paused() {
    boolean paused = store.paused();
    seenPaused = paused;
    return paused;
  }

  /**
   * Whether the switch was paused when this object last read it (no query): a worker's watcher
   * reads it every few seconds.
   */
  public boolean seenPaused() {
    return seenPaused;
  }

  /** Pauses the cluster; pausing a paused cluster changes nothing (it keeps its since and by). */
  public State pause(String by) {
    store.pause(by);
    return state();
  }

  /** Resumes the cluster; resuming a running cluster changes nothing. */
  public State resume(String by) {
    store.resume(by);
    return state();
  }

  /** How many executions workers are running right now, cluster-wide. */
  public int runningCount() {
    return store.runningCount();
  }
}
