package io.kairos.notification;

import io.kairos.job.JobEvent;
import io.kairos.job.NotifyTarget;
import io.kairos.registry.JobRows;
import io.kairos.registry.JobTables;
import io.kairos.schema.KairosSchema;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The statements of notifications, in the caller's (the event's) transaction: the job a
 * notification is about, and the mark in {@code kairos_notified} that keeps a storm of events to
 * one notification per minimum interval. Notification jobs are created through the job store.
 */
final class NotificationStore {

  /** What a notification about a job says of it, and the targets the job named itself. */
  record NotificationSubject(
      String id, String type, String group, List<NotifyTarget> notifyTargets) {}

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;
  private final JobRows rows;

  NotificationStore(JobTables tables) {
    this.jdbc = new JdbcTemplate(tables.dataSource());
    this.schema = tables.schema();
    this.rows = tables.rows();
  }

  /** The job as a notification describes it, if it exists. */
  Optional<NotificationSubject> notificationSubject(String id) {
    return jdbc
        .query(
            schema.sql("select id, type, job_group, notify from kairos_job where id = ?"),
            (rs, row) ->
                new NotificationSubject(
                    rs.getString("id"),
                    rs.getString("type"),
                    rs.getString("job_group"),
                    rows.notifyTargets(rs.getString("notify"))),
            id)
        .stream()
        .findFirst();
  }

  /**
   * Records that the job's {@code event} is notified at {@code at}, unless the previous
   * notification of that job and event is less than {@code minInterval} older; false then (nothing
   * is changed). In the caller's transaction: a concurrent caller waits on the row until it ends.
   */
  boolean markNotified(String jobId, JobEvent event, Instant at, Duration minInterval) {
    return jdbc.update(
            schema.sql(
                "insert into kairos_notified (job_id, event, last_at) values (?, ?, ?) on conflict"
                    + " (job_id, event) do update set last_at = excluded.last_at where"
                    + " kairos_notified.last_at <= excluded.last_at - make_interval(secs => ?)"),
            jobId,
            event.name(),
            Timestamp.from(at),
            minInterval.toMillis() / 1000.0)
        == 1;
  }
}
