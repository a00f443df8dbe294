package io.kairos.housekeeping;

import io.kairos.job.JobState;
import io.kairos.schema.KairosSchema;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Housekeeping's statements: each deletes one batch of what is past its retention (history rows,
 * finished jobs, dead and cancelled jobs, notification marks, nodes), each in its own short
 * transaction, and returns how many rows it deleted.
 */
final class PruneStore {

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  PruneStore(DataSource dataSource, KairosSchema schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
  }

  /**
   * Deletes up to {@code batchSize} attempts of the default history partition (those of days with
   * no partition of their own, and dead jobs' kept from dropped partitions) that finished more than
   * {@code retention} ago, except those of dead jobs (kept with them until they are requeued or
   * deleted); returns how many. Day partitions go whole ({@link HistoryPartitionStore}).
   */
  int pruneHistory(Duration retention, int batchSize) {
    return jdbc.update(
        schema.sql(
            "delete from kairos_job_run_default where id = any(array(select id from"
                + " kairos_job_run_default where finished_at < now() - make_interval(secs => ?)"
                + " and not exists (select 1 from kairos_job j where j.id ="
                + " kairos_job_run_default.job_id and j.state = 'DEAD') limit ?))"),
        retention.toSeconds(),
        batchSize);
  }

  /** Forgets notification marks older than {@code retention}, up to {@code batchSize} of them. */
  int pruneNotified(Duration retention, int batchSize) {
    return jdbc.update(
        schema.sql(
            "delete from kairos_notified where ctid = any(array(select ctid from kairos_notified where"
                + " last_at < now() - make_interval(secs => ?) limit ?))"),
        retention.toSeconds(),
        batchSize);
  }

  /**
   * Deletes up to {@code batchSize} finished one-time jobs (COMPLETED, MISSED) that finished more
   * than {@code retention} ago; returns how many.
   */
  int pruneFinished(Duration retention, int batchSize) {
    return pruneInStates(List.of(JobState.COMPLETED, JobState.MISSED), retention, batchSize);
  }

  /**
   * Deletes up to {@code batchSize} dead and cancelled jobs that became so more than {@code
   * retention} ago; returns how many. Their history is pruned by age, as any other.
   */
  int pruneDeadAndCancelled(Duration retention, int batchSize) {
    return pruneInStates(List.of(JobState.DEAD, JobState.CANCELLED), retention, batchSize);
  }

  private int pruneInStates(List<JobState> states, Duration retention, int batchSize) {
    String[] names = states.stream().map(JobState::name).toArray(String[]::new);
    return jdbc.update(
        schema.sql(
            "delete from kairos_job where id = any(array(select id from kairos_job where state ="
                + " any(?) and finished_at < now() - make_interval(secs => ?) limit ?))"),
        ps -> {
          ps.setArray(1, ps.getConnection().createArrayOf("text", names));
          ps.setLong(2, retention.toSeconds());
          ps.setInt(3, batchSize);
        });
  }

  /** Deletes nodes not seen for longer than {@code after}; returns how many. */
  int pruneNodesNotSeenFor(Duration after) {
    return jdbc.update(
        schema.sql("delete from kairos_node where last_seen < now() - make_interval(secs => ?)"),
        after.toSeconds());
  }
}
