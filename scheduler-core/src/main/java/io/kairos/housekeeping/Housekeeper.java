package io.kairos.housekeeping;

import io.kairos.node.NodeStore;
import io.kairos.registry.JobRegistry;
import io.kairos.registry.RunHistory;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * Removes what is past its retention, in batches (each its own short transaction): history rows,
 * registry rows of jobs that finished (COMPLETED, MISSED), dead and cancelled jobs after their own
 * (longer) retention, and worker nodes not seen for a while. A dead job's history is kept while the
 * job is.
 */
public final class Housekeeper {

  private final JobRegistry jobs;
  private final RunHistory runs;
  private final NodeStore nodes;
  private final int batchSize;

  public Housekeeper(JobRegistry jobs, RunHistory runs, NodeStore nodes, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive");
    }
    this.jobs = jobs;
    this.runs = runs;
    this.nodes = nodes;
    this.batchSize = batchSize;
  }

  /** Deletes attempts that finished more than {@code retention} ago; returns how many. */
  public long pruneHistory(Duration retention) {
    return inBatches(() -> runs.pruneFinished(retention, batchSize));
  }

  /**
   * Deletes finished one-time jobs (their history is pruned by age separately), and the marks of
   * notifications sent longer ago than {@code retention} (they only matter for the notifications'
   * minimum interval).
   */
  public long pruneFinishedJobs(Duration retention) {
    inBatches(() -> jobs.pruneNotified(retention, batchSize));
    return inBatches(() -> jobs.pruneFinished(retention, batchSize));
  }

  /**
   * Deletes dead and cancelled jobs that became so more than {@code retention} ago: kept for a
   * while to be requeued or looked into, not forever.
   */
  public long pruneDeadAndCancelledJobs(Duration retention) {
    return inBatches(() -> jobs.pruneDeadAndCancelled(retention, batchSize));
  }

  /** Deletes nodes that stopped or vanished more than {@code after} ago. */
  public long pruneNodes(Duration after) {
    return nodes.pruneNotSeenFor(after);
  }

  private long inBatches(IntSupplier batch) {
    long total = 0;
    int deleted;
    do {
      deleted = batch.getAsInt();
      total += deleted;
    } while (deleted == batchSize && !Thread.currentThread().isInterrupted());
    return total;
  }
}
