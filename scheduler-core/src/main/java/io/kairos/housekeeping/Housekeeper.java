package io.kairos.housekeeping;

import io.kairos.schema.KairosSchema;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * Removes what is past its retention, in batches (each its own short transaction): history rows,
 * registry rows of jobs that finished (COMPLETED, MISSED), dead and cancelled jobs after their own
 * (longer) retention, and worker nodes not seen for a while. A dead job's history is kept while the
 * job is.
 *
 * <p>History is partitioned by the UTC day its attempts started: a day goes whole, in one drop,
 * once all of it is older than the retention (so an attempt is kept at least the retention, and at
 * most a day more); attempts of a day without a partition of its own sit in a default partition,
 * pruned row by row. Partitions are added {@value #DAYS_AHEAD} days ahead.
 */
public final class Housekeeper {

  /** How many days after today get their history partition ahead of time. */
  public static final int DAYS_AHEAD = 7;

  private static final Logger LOG = LoggerFactory.getLogger(Housekeeper.class);

  private final PruneStore prunes;
  private final HistoryPartitionStore partitions;
  private final int batchSize;

  public Housekeeper(DataSource dataSource, KairosSchema schema, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive");
    }
    this.prunes = new PruneStore(dataSource, schema);
    this.partitions = new HistoryPartitionStore(dataSource, schema);
    this.batchSize = batchSize;
  }

  /**
   * Adds the history partitions of today and the next {@value #DAYS_AHEAD} days (UTC, by the
   * database's clock) that are missing; returns how many it added. A day whose attempts already
   * went to the default partition keeps them there. Safe to call from several nodes at once.
   */
  public int addHistoryPartitions() {
    LocalDate today = LocalDate.ofInstant(partitions.now(), ZoneOffset.UTC);
    int added = 0;
    for (int ahead = 0; ahead <= DAYS_AHEAD; ahead++) {
      LocalDate day = today.plusDays(ahead);
      try {
        if (partitions.add(day)) {
          added++;
        }
      } catch (DataAccessException e) {
        // A lock not granted in time (a long query on history): the next round tries again.
        LOG.warn("Could not add the history partition of {}: {}", day, e.getMessage());
      }
    }
    return added;
  }

  /**
   * Drops the history partitions of days wholly older than {@code retention} (the rows of dead jobs
   * first moved to the default partition, ids unchanged), then deletes the attempts of the default
   * partition that finished more than {@code retention} ago; returns how many rows went.
   */
  public long pruneHistory(Duration retention) {
    Instant cutoff = partitions.now().minus(retention);
    long total = 0;
    for (LocalDate day : partitions.days()) {
      if (day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(cutoff)) {
        break;
      }
      try {
        total += partitions.drop(day);
      } catch (DataAccessException e) {
        LOG.warn("Could not drop the history partition of {}: {}", day, e.getMessage());
      }
    }
    return total + inBatches(() -> prunes.pruneHistory(retention, batchSize));
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
