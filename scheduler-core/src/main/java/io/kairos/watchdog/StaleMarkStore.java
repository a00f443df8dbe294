package io.kairos.watchdog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.job.ScheduleSpec;
import io.kairos.registry.JobRows;
import io.kairos.registry.JobTables;
import io.kairos.schema.KairosSchema;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The stale-job watchdog's statements: reading active recurring jobs page by page, and setting and
 * clearing the {@code stale_since} mark (one-time jobs set-based, whatever the backlog).
 */
final class StaleMarkStore {

  /** An active job with its execution, as the stale-job watchdog judges it. */
  record Liveness(
      String id,
      String type,
      ScheduleSpec schedule,
      Instant createdAt,
      boolean markedStale,
      Instant executionTime,
      boolean picked,
      Instant lastSuccess) {}

  /** A job whose stale mark the watchdog set or cleared. */
  record StaleMark(String id, String type) {}

  private static final RowMapper<StaleMark> STALE_MARK =
      (rs, row) -> new StaleMark(rs.getString("id"), rs.getString("type"));

  /** Where a one-time job's row is: its schedule has an instant ({@link ScheduleSpec#at()}). */
  private static final String ONE_TIME = "(j.schedule ->> 'at') is not null";

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;
  private final ObjectMapper json;

  StaleMarkStore(JobTables tables) {
    this.jdbc = new JdbcTemplate(tables.dataSource());
    this.schema = tables.schema();
    this.json = tables.rows().json();
  }

  /**
   * Up to {@code limit} ACTIVE jobs that are not one-time (recurring, or with no readable schedule)
   * with their executions, in id order after {@code afterId}: the watchdog judges them against
   * their schedules page by page, so it never holds them all.
   */
  List<Liveness> activeRecurringJobs(String afterId, int limit) {
    return jdbc.query(
        schema.sql(
            "select j.id, j.type, j.schedule, j.created_at, j.stale_since, t.execution_time, t.picked,"
                + " t.last_success from kairos_job j join scheduled_tasks t on t.task_name = j.type"
                + " and t.task_instance = j.id where j.state = 'ACTIVE' and (j.schedule ->> 'at') is"
                + " null and j.id > ? order by j.id limit ?"),
        (rs, row) ->
            new Liveness(
                rs.getString("id"),
                rs.getString("type"),
                readOrNull(rs.getString("schedule")),
                JobRows.instant(rs, "created_at"),
                rs.getTimestamp("stale_since") != null,
                JobRows.instant(rs, "execution_time"),
                rs.getBoolean("picked"),
                JobRows.instant(rs, "last_success")),
        afterId,
        limit);
  }

  /**
   * Marks stale, since now, up to {@code limit} ACTIVE one-time jobs not marked yet whose execution
   * no worker has claimed though it was due before {@code dueBefore}, and returns them: one
   * statement, whatever the size of the backlog. Rows another transaction holds are skipped (they
   * are being claimed or changed); the next check sees them.
   */
  List<StaleMark> markUnclaimedOneTimeJobsStale(Instant dueBefore, int limit) {
    return jdbc.query(
        schema.sql(
            "update kairos_job set stale_since = now() where id in (select j.id from scheduled_tasks t"
                + " join kairos_job j on j.id = t.task_instance and j.type = t.task_name where"
                + " t.execution_time < ? and not t.picked and j.state = 'ACTIVE' and j.stale_since is"
                + " null and "
                + ONE_TIME
                + " limit ? for update of j skip locked) and stale_since is null returning id, type"),
        STALE_MARK,
        Timestamp.from(dueBefore),
        limit);
  }

  /**
   * Clears the stale mark of up to {@code limit} jobs that are no longer stale by their execution,
   * and returns them: one-time jobs whose execution is claimed now or not due before {@code
   * dueBefore} (moved later), and jobs of any kind that are not ACTIVE any more (they ran to their
   * end, were paused or cancelled). Recurring ACTIVE jobs are judged against their schedules by the
   * watchdog itself.
   */
  List<StaleMark> clearFreshJobs(Instant dueBefore, int limit) {
    return jdbc.query(
        schema.sql(
            "update kairos_job set stale_since = null where id in (select j.id from kairos_job j left"
                + " join scheduled_tasks t on t.task_name = j.type and t.task_instance = j.id where"
                + " j.stale_since is not null and (j.state <> 'ACTIVE' or ("
                + ONE_TIME
                + " and (t.picked or t.execution_time >= ?))) limit ?) returning id, type"),
        STALE_MARK,
        Timestamp.from(dueBefore),
        limit);
  }

  /** Marks a job stale since now; false if it was marked already (it keeps its time). */
  boolean markStale(String id) {
    return jdbc.update(
            schema.sql(
                "update kairos_job set stale_since = now() where id = ? and stale_since is null"),
            id)
        == 1;
  }

  /** Clears the stale mark of jobs that are fresh again, in one statement. */
  void clearStale(List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    jdbc.update(
        schema.sql("update kairos_job set stale_since = null where id = any(?)"),
        (Object) ids.toArray(String[]::new));
  }

  /** How many jobs are marked stale. */
  int staleCount() {
    Integer count =
        jdbc.queryForObject(
            schema.sql("select count(*) from kairos_job where stale_since is not null"),
            Integer.class);
    return count == null ? 0 : count;
  }

  private ScheduleSpec readOrNull(String schedule) {
    try {
      return schedule == null ? null : json.readValue(schedule, ScheduleSpec.class);
    } catch (JsonProcessingException | RuntimeException e) {
      return null;
    }
  }
}
