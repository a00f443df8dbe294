package io.kairos.housekeeping;

import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Removes what is past its retention, in batches (each its own short transaction): history rows,
 * registry rows of jobs that finished (COMPLETED, MISSED) and worker nodes not seen for a while.
 * Dead jobs, and their history, are kept until someone requeues or deletes them.
 */
public final class Housekeeper {

  private final JdbcTemplate jdbc;
  private final int batchSize;

  public Housekeeper(DataSource dataSource, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive");
    }
    this.jdbc = new JdbcTemplate(dataSource);
    this.batchSize = batchSize;
  }

  /**
   * Deletes attempts that finished more than {@code retention} ago, except those of dead jobs (kept
   * with them until they are requeued or deleted); returns how many.
   */
  public long pruneHistory(Duration retention) {
    return inBatches(
        "delete from kairos_job_run where id = any(array(select id from kairos_job_run where"
            + " finished_at < now() - make_interval(secs => "
            + retention.toSeconds()
            + ") and not exists (select 1 from kairos_job j where j.id = kairos_job_run.job_id"
            + " and j.state = 'DEAD') limit "
            + batchSize
            + "))");
  }

  /** Deletes finished one-time jobs (and their history is pruned by age separately). */
  public long pruneFinishedJobs(Duration retention) {
    return inBatches(
        "delete from kairos_job where id = any(array(select id from kairos_job where state in"
            + " ('COMPLETED', 'MISSED') and finished_at < now() - make_interval(secs => "
            + retention.toSeconds()
            + ") limit "
            + batchSize
            + "))");
  }

  /** Deletes nodes that stopped or vanished more than {@code after} ago. */
  public long pruneNodes(Duration after) {
    return jdbc.update(
        "delete from kairos_node where last_seen < now() - make_interval(secs => ?)",
        after.toSeconds());
  }

  private long inBatches(String delete) {
    long total = 0;
    int deleted;
    do {
      deleted = jdbc.update(delete);
      total += deleted;
    } while (deleted == batchSize && !Thread.currentThread().isInterrupted());
    return total;
  }
}
