package io.kairos.running;

import io.kairos.job.Progress;
import io.kairos.schema.KairosSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The signals of running attempts ({@code kairos_attempt_signal}): cancel requests, written by the
 * API for whichever worker runs the attempt, and progress, written by that worker. Each row names
 * the claim (execution version) it belongs to; a row of an earlier claim reads as nothing.
 */
public final class AttemptSignalStore {

  /** One claim of one job: the attempt a signal belongs to. */
  public record Claim(String jobId, long version) {}

  /** A running attempt's progress as its worker writes it. */
  public record Reported(Claim claim, String taskName, Progress progress) {}

  /**
   * What is known about the attempt running a job now.
   *
   * @param progress null until the handler reported some
   * @param progressAt when the worker wrote it (database time)
   * @param cancelRequestedAt null unless an operator asked it to stop
   */
  public record Signals(
      Progress progress, Instant progressAt, Instant cancelRequestedAt, String cancelRequestedBy) {}

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  public AttemptSignalStore(DataSource dataSource, KairosSchema schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
  }

  /**
   * Asks the attempt running job {@code jobId} now to stop, whichever worker runs it. Asking again
   * keeps the first request's time.
   *
   * @return when the cancel was first requested; empty when no attempt of the job runs
   */
  public Optional<Instant> requestCancel(String jobId, String by) {
    List<Instant> at =
        jdbc.query(
            schema.sql(
                "insert into kairos_attempt_signal (job_id, task_name, version,"
                    + " cancel_requested_at, cancel_requested_by) select t.task_instance,"
                    + " t.task_name, t.version, clock_timestamp(), ? from kairos_job j join"
                    + " scheduled_tasks t on t.task_name = j.type and t.task_instance = j.id"
                    + " where j.id = ? and t.picked on conflict (job_id) do update set"
                    + " cancel_requested_at = case when kairos_attempt_signal.version ="
                    + " excluded.version then coalesce(kairos_attempt_signal.cancel_requested_at,"
                    + " excluded.cancel_requested_at) else excluded.cancel_requested_at end,"
                    + " cancel_requested_by = case when kairos_attempt_signal.version ="
                    + " excluded.version and kairos_attempt_signal.cancel_requested_at is not"
                    + " null then kairos_attempt_signal.cancel_requested_by else"
                    + " excluded.cancel_requested_by end, progress_done = case when"
                    + " kairos_attempt_signal.version = excluded.version then"
                    + " kairos_attempt_signal.progress_done end, progress_total = case when"
                    + " kairos_attempt_signal.version = excluded.version then"
                    + " kairos_attempt_signal.progress_total end, progress_message = case when"
                    + " kairos_attempt_signal.version = excluded.version then"
                    + " kairos_attempt_signal.progress_message end, progress_at = case when"
                    + " kairos_attempt_signal.version = excluded.version then"
                    + " kairos_attempt_signal.progress_at end, task_name = excluded.task_name,"
                    + " version = excluded.version returning cancel_requested_at"),
            (rs, n) -> rs.getTimestamp(1).toInstant(),
            by,
            jobId);
    return at.stream().findFirst();
  }

  /** Those of {@code claims} an operator asked to stop. */
  public Set<Claim> cancelsAmong(Collection<Claim> claims) {
    if (claims.isEmpty()) {
      return Set.of();
    }
    Set<Claim> cancelled = new HashSet<>();
    jdbc.query(
        schema.sql(
            "select s.job_id, s.version from kairos_attempt_signal s join unnest(?::text[],"
                + " ?::bigint[]) as x(job_id, version) on s.job_id = x.job_id and s.version ="
                + " x.version where s.cancel_requested_at is not null"),
        ps -> {
          Connection c = ps.getConnection();
          ps.setArray(1, c.createArrayOf("text", claims.stream().map(Claim::jobId).toArray()));
          ps.setArray(2, c.createArrayOf("bigint", claims.stream().map(Claim::version).toArray()));
        },
        (ResultSet rs) -> {
          cancelled.add(new Claim(rs.getString(1), rs.getLong(2)));
        });
    return cancelled;
  }

  /** Writes running attempts' progress, in one statement. */
  public void saveProgress(List<Reported> reports) {
    if (reports.isEmpty()) {
      return;
    }
    jdbc.update(
        schema.sql(
            "insert into kairos_attempt_signal as s (job_id, task_name, version, progress_done,"
                + " progress_total, progress_message, progress_at) select x.job_id, x.task_name,"
                + " x.version, x.done, x.total, x.message, clock_timestamp() from"
                + " unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[])"
                + " as x(job_id, task_name, version, done, total, message) on conflict (job_id) do"
                + " update set progress_done = excluded.progress_done, progress_total ="
                + " excluded.progress_total, progress_message = excluded.progress_message,"
                + " progress_at = excluded.progress_at, cancel_requested_at = case when s.version"
                + " = excluded.version then s.cancel_requested_at end, cancel_requested_by = case"
                + " when s.version = excluded.version then s.cancel_requested_by end, task_name ="
                + " excluded.task_name, version = excluded.version"),
        ps -> {
          Connection c = ps.getConnection();
          List<Object> ids = new ArrayList<>();
          List<Object> tasks = new ArrayList<>();
          List<Object> versions = new ArrayList<>();
          List<Object> done = new ArrayList<>();
          List<Object> total = new ArrayList<>();
          List<Object> messages = new ArrayList<>();
          for (Reported r : reports) {
            ids.add(r.claim().jobId());
            tasks.add(r.taskName());
            versions.add(r.claim().version());
            done.add(r.progress().done());
            total.add(r.progress().total());
            messages.add(r.progress().message());
          }
          ps.setArray(1, c.createArrayOf("text", ids.toArray()));
          ps.setArray(2, c.createArrayOf("text", tasks.toArray()));
          ps.setArray(3, c.createArrayOf("bigint", versions.toArray()));
          ps.setArray(4, c.createArrayOf("bigint", done.toArray()));
          ps.setArray(5, c.createArrayOf("bigint", total.toArray()));
          ps.setArray(6, c.createArrayOf("text", messages.toArray()));
        });
  }

  /** Deletes the signals of attempts that ended (only of those claims: a later one keeps its). */
  public void forget(Collection<Claim> ended) {
    if (ended.isEmpty()) {
      return;
    }
    jdbc.update(
        schema.sql(
            "delete from kairos_attempt_signal s using unnest(?::text[], ?::bigint[]) as"
                + " x(job_id, version) where s.job_id = x.job_id and s.version = x.version"),
        ps -> {
          Connection c = ps.getConnection();
          ps.setArray(1, c.createArrayOf("text", ended.stream().map(Claim::jobId).toArray()));
          ps.setArray(2, c.createArrayOf("bigint", ended.stream().map(Claim::version).toArray()));
        });
  }

  /** The signals of the attempt running job {@code jobId} now, if one runs and has any. */
  public Optional<Signals> current(String jobId) {
    return jdbc
        .query(
            schema.sql(
                "select s.progress_done, s.progress_total, s.progress_message, s.progress_at,"
                    + " s.cancel_requested_at, s.cancel_requested_by from kairos_attempt_signal s"
                    + " join scheduled_tasks t on t.task_name = s.task_name and t.task_instance ="
                    + " s.job_id and t.version = s.version and t.picked where s.job_id = ?"),
            (rs, n) -> signals(rs),
            jobId)
        .stream()
        .findFirst();
  }

  private static Signals signals(ResultSet rs) throws SQLException {
    Progress progress = null;
    Instant progressAt = instant(rs.getTimestamp("progress_at"));
    if (progressAt != null) {
      long total = rs.getLong("progress_total");
      Long totalOrNull = rs.wasNull() ? null : total;
      progress =
          new Progress(rs.getLong("progress_done"), totalOrNull, rs.getString("progress_message"));
    }
    return new Signals(
        progress,
        progressAt,
        instant(rs.getTimestamp("cancel_requested_at")),
        rs.getString("cancel_requested_by"));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
