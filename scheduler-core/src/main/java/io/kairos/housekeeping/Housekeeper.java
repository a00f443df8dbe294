package io.kairos.housekeeping;

import io.kairos.schema.KairosSchema;
import java.time.Duration;
import java.util.function.IntSupplier;
import javax.sql.DataSource;

/**
 * Removes what is past its retention, in batches (each its own short transaction): history rows,
 * registry rows of jobs that finished (COMPLETED, MISSED), dead and cancelled jobs after their own
 * (longer) retention, and worker nodes not seen for a while. A dead job's history is kept while the
 * job is.
 */
public final class Housekeeper {

  private final PruneStore prunes;
  private final int batchSize;

  public Housekeeper(DataSource dataSource, KairosSchema schema, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive");
    }
    this.prunes = new PruneStore(dataSource, schema);
    this.batchSize = batchSize;
  }

  /** Deletes attempts that finished more than {@code retention} ago; returns how many. */
  public long pruneHistory(Duration retention) {
    return inBatches(() -> prunes.pruneHistory(retention, batchSize));
  }

  /**
   * Deletes finished one-time jobs (their history is pruned by age separately), and the marks of
   * notifications sent longer ago than {@code retention} (they only matter for the notifications'
   * minimum interval).
   */
  public long pruneFinishedJobs(Duration retention) {
    inBatches(() -> prunes.pruneNotified(retention, batchSize));
    return inBatches(() -> prunes.pruneFinished(retention, batchSize));
  }

  /**
   * Deletes dead and cancelled jobs that became so more than {@code retention} ago: kept for a
   * while to be requeued or looked into, not forever.
   */
  public long pruneDeadAndCancelledJobs(Duration retention) {
    return inBatches(() -> prunes.pruneDeadAndCancelled(retention, batchSize));
  }

  /** Deletes nodes that stopped or vanished more than {@code after} ago. */
  public long pruneNodes(Duration after) {
    return prunes.pruneNodesNotSeenFor(after);
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
