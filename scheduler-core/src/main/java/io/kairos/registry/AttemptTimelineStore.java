package io.kairos.registry;

import io.kairos.job.RunOutcome;
import io.kairos.schema.KairosSchema;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The attempts every node recorded over a recent window, for the dashboard's timeline: who ran what
 * when, the attempts a dead worker held ({@code WORKER_DIED}) and those that re-ran them elsewhere
 * ({@code recovered}). A range scan of the history's {@code started_at} index, read with the
 * database's clock. Read-only.
 */
public final class AttemptTimelineStore {

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  public AttemptTimelineStore(DataSource dataSource, KairosSchema schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
  }

  /**
   * Attempts that started within {@code window} before the database's now, oldest first. Every
   * attempt that did not succeed is kept (up to {@code limit}); succeeded ones fill what is left of
   * {@code limit}, the latest first, so a busy cluster's failover is never crowded out.
   */
  public Window attempts(Duration window, int limit) {
    Instant now = jdbc.queryForObject("select now()", (rs, row) -> instant(rs, "now"));
    Timestamp since = Timestamp.from(now.minus(window));
    String columns =
        "select id, job_id, job_type, node, attempt, started_at, finished_at, outcome, recovered"
            + " from kairos_job_run where started_at >= ?";
    List<Attempt> attempts =
        new ArrayList<>(
            jdbc.query(
                schema.sql(columns + " and outcome <> 'SUCCEEDED' order by id desc limit ?"),
                AttemptTimelineStore::map,
                since,
                limit));
    int left = limit - attempts.size();
    if (left > 0) {
      attempts.addAll(
          jdbc.query(
              schema.sql(columns + " and outcome = 'SUCCEEDED' order by id desc limit ?"),
              AttemptTimelineStore::map,
              since,
              left));
    }
    attempts.sort(Comparator.comparingLong(Attempt::id));
    return new Window(now.minus(window), now, attempts);
  }

  private static Attempt map(ResultSet rs, int row) throws SQLException {
    return new Attempt(
        rs.getLong("id"),
        rs.getString("job_id"),
        rs.getString("job_type"),
        rs.getString("node"),
        rs.getInt("attempt"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        RunOutcome.valueOf(rs.getString("outcome")),
        rs.getBoolean("recovered"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }

  /** The attempts of {@code [from, to]}, {@code to} being the database's now, oldest first. */
  public record Window(Instant from, Instant to, List<Attempt> attempts) {

    public Window {
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * One recorded attempt. For {@code WORKER_DIED}, {@code startedAt} is the dead worker's last
   * heartbeat for it and {@code finishedAt} when another node revived it.
   */
  public record Attempt(
      long id,
      String jobId,
      String jobType,
      String node,
      int attempt,
      Instant startedAt,
      Instant finishedAt,
      RunOutcome outcome,
      boolean recovered) {}
}
