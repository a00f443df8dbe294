package io.kairos.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.job.JobData;
import io.kairos.job.JobFilter;
import io.kairos.job.JobSource;
import io.kairos.job.ScheduleSpec;
import io.kairos.registry.JobRows;
import io.kairos.registry.JobTables;
import io.kairos.schema.KairosSchema;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The statements that change existing jobs: pause, resume, change, run now, cancel, and the same
 * above one job (a group, a type). Run in the caller's transaction ({@link JobControl}'s).
 *
 * <p>Every statement that changes or removes an execution in {@code scheduled_tasks} is conditioned
 * on {@code not picked} in that same statement: an execution a worker has claimed belongs to that
 * worker until its completion rewrites the row (db-scheduler's issue 422), so it is never touched
 * here. Statements that change both tables touch {@code scheduled_tasks} first and {@code
 * kairos_job} second, the order a worker's completion uses, so the two cannot deadlock.
 */
public final class ControlStore {

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;
  private final JobTables tables;
  private final JobRows rows;

  public ControlStore(JobTables tables) {
    this.jdbc = new JdbcTemplate(tables.dataSource());
    this.schema = tables.schema();
    this.tables = tables;
    this.rows = tables.rows();
  }

  /** The source of a job, if it exists. */
  public Optional<JobSource> sourceOf(String id) {
    return jdbc
        .queryForList(schema.sql("select source from kairos_job where id = ?"), String.class, id)
        .stream()
        .map(JobSource::valueOf)
        .findFirst();
  }

  /** The job's execution as db-scheduler holds it, if it has one. */
  public Optional<ExecutionRow> execution(String type, String id) {
    return jdbc
        .query(
            schema.sql(
                "select execution_time, task_data, picked, picked_by, version from scheduled_tasks"
                    + " where task_name = ? and task_instance = ?"),
            (rs, row) ->
                new ExecutionRow(
                    JobRows.instant(rs, "execution_time"),
                    rows.readTaskData(rs.getBytes("task_data")),
                    rs.getBoolean("picked"),
                    rs.getString("picked_by"),
                    rs.getLong("version")),
            type,
            id)
        .stream()
        .findFirst();
  }

  /**
   * Moves an unclaimed execution out of {@code scheduled_tasks} into the job row (state PAUSED), in
   * one statement. False when the job is not ACTIVE or its execution is claimed.
   */
  public boolean pause(String id, String by) {
    return jdbc.update(
            schema.sql(
                "with moved as (delete from scheduled_tasks t using kairos_job j where j.id = ? and"
                    + " j.state = 'ACTIVE' and t.task_name = j.type and t.task_instance = j.id and not"
                    + " t.picked returning t.execution_time, t.task_data, t.last_success,"
                    + " t.last_failure, t.consecutive_failures)"
                    + " update kairos_job set state = 'PAUSED', paused_execution_time ="
                    + " moved.execution_time, paused_task_data = moved.task_data, paused_last_success"
                    + " = moved.last_success, paused_last_failure = moved.last_failure,"
                    + " paused_consecutive_failures = moved.consecutive_failures, updated_at = now(),"
                    + " updated_by = ? from moved where kairos_job.id = ?"),
            id,
            by,
            id)
        == 1;
  }

  /** A paused job's set-aside execution, locking the job row until the transaction ends. */
  public Optional<PausedExecution> lockPaused(String id) {
    return jdbc
        .query(
            schema.sql(
                "select type, priority, paused_execution_time, paused_task_data, paused_last_success,"
                    + " paused_last_failure, paused_consecutive_failures from kairos_job where id = ?"
                    + " and state = 'PAUSED' for update"),
            (rs, row) ->
                new PausedExecution(
                    rs.getString("type"),
                    rs.getInt("priority"),
                    JobRows.instant(rs, "paused_execution_time"),
                    rows.readTaskData(rs.getBytes("paused_task_data")),
                    JobRows.instant(rs, "paused_last_success"),
                    JobRows.instant(rs, "paused_last_failure"),
                    rs.getInt("paused_consecutive_failures")),
            id)
        .stream()
        .findFirst();
  }

  /**
   * Puts a paused job's execution back at {@code at} with {@code data}, with the success and
   * failure record it had, and marks the job ACTIVE; false when the job is not PAUSED.
   */
  public boolean resume(String id, PausedExecution paused, JobData data, Instant at, String by) {
    if (!markResumed(id, by)) {
      return false;
    }
    boolean inserted =
        tables
            .schedulerClient()
            .scheduleIfNotExists(data.instance(paused.type(), id, paused.priority()), at);
    if (!inserted) {
      throw new IllegalStateException("paused job '" + id + "' still had an execution");
    }
    restoreRecord(paused.type(), id, paused);
    return true;
  }

  /** Marks a paused job ACTIVE again; its execution must be put back in the same transaction. */
  private boolean markResumed(String id, String by) {
    return jdbc.update(
            schema.sql(
                "update kairos_job set state = 'ACTIVE', paused_execution_time = null,"
                    + " paused_task_data = null, paused_last_success = null, paused_last_failure ="
                    + " null, paused_consecutive_failures = null, updated_at = now(), updated_by = ?"
                    + " where id = ? and state = 'PAUSED'"),
            by,
            id)
        == 1;
  }

  /** Gives a put-back execution the success and failure record it had when it was paused. */
  private void restoreRecord(String type, String id, PausedExecution paused) {
    jdbc.update(
        schema.sql(
            "update scheduled_tasks set last_success = ?, last_failure = ?, consecutive_failures = ?"
                + " where task_name = ? and task_instance = ? and not picked"),
        JobRows.timestamp(paused.lastSuccess()),
        JobRows.timestamp(paused.lastFailure()),
        paused.consecutiveFailures(),
        type,
        id);
  }

  /** Changes what a paused job will resume with. False when the job is not PAUSED. */
  public boolean changePaused(String id, Instant executionTime, JobData data) {
    return jdbc.update(
            schema.sql(
                "update kairos_job set paused_execution_time = ?, paused_task_data = ? where id = ?"
                    + " and state = 'PAUSED'"),
            Timestamp.from(executionTime),
            rows.writeTaskData(data),
            id)
        == 1;
  }

  /**
   * Changes an unclaimed execution that is still at {@code version} (optimistic, like
   * db-scheduler's own writes). False when it was claimed or changed meanwhile.
   */
  public boolean changeExecution(
      String type, String id, long version, Instant executionTime, JobData data, int priority) {
    return jdbc.update(
            schema.sql(
                "update scheduled_tasks set execution_time = ?, task_data = ?, priority = ?, version ="
                    + " version + 1 where task_name = ? and task_instance = ? and version = ? and not"
                    + " picked"),
            Timestamp.from(executionTime),
            rows.writeTaskData(data),
            priority,
            type,
            id,
            version)
        == 1;
  }

  /** Makes an unclaimed execution due at {@code now}. False when there is none or it is claimed. */
  public boolean runNow(String type, String id, Instant now) {
    return jdbc.update(
            schema.sql(
                "update scheduled_tasks set execution_time = ?, version = version + 1 where task_name"
                    + " = ? and task_instance = ? and not picked"),
            Timestamp.from(now),
            type,
            id)
        == 1;
  }

  /** The job's own record of its definition. */
  public void changeDefinition(
      String id,
      JsonNode payload,
      ScheduleSpec schedule,
      int priority,
      int maxAttempts,
      String by) {
    jdbc.update(
        schema.sql(
            "update kairos_job set payload = ?::jsonb, schedule = ?::jsonb, priority = ?,"
                + " max_attempts = ?, updated_at = now(), updated_by = ? where id = ?"),
        rows.write(payload),
        rows.write(schedule),
        priority,
        maxAttempts,
        by,
        id);
  }

  /** Records who last acted on the job. */
  public void touch(String id, String by) {
    jdbc.update(
        schema.sql("update kairos_job set updated_at = now(), updated_by = ? where id = ?"),
        by,
        id);
  }

  /**
   * Cancels a job in one statement: deletes its unclaimed execution (or drops its paused one) and
   * marks it CANCELLED. False when the job is claimed by a worker, unknown or already final.
   */
  public boolean cancel(String id, String by) {
    return !cancelWhere("j.id = ?", id, by).isEmpty();
  }

  /**
   * Cancels every job of a group that is not running, in one statement; returns their ids. Without
   * {@code operatorJobsToo}, jobs of the operators and of Kairos ({@link JobSource#operatorsOnly})
   * are left alone.
   */
  public List<String> cancelGroup(String group, String by, boolean operatorJobsToo) {
    return cancelWhere(
        operatorJobsToo ? "j.job_group = ?" : "j.job_group = ? and j.source = 'API'", group, by);
  }

  /**
   * Jobs of a group whose execution is claimed by a worker right now: id and node (API jobs only,
   * unless {@code operatorJobsToo}).
   */
  public List<RunningJob> runningInGroup(String group, boolean operatorJobsToo) {
    return jdbc.query(
        schema.sql(
            "select j.id, t.picked_by from kairos_job j join scheduled_tasks t on t.task_name = j.type"
                + " and t.task_instance = j.id where j.job_group = ? and j.state = 'ACTIVE' and"
                + " t.picked"
                + (operatorJobsToo ? "" : " and j.source = 'API'")
                + " order by j.id"),
        (rs, row) -> new RunningJob(rs.getString(1), rs.getString(2)),
        group);
  }

  private List<String> cancelWhere(String condition, String value, String by) {
    return jdbc.queryForList(
        schema.sql(
            "with gone as (delete from scheduled_tasks t using kairos_job j where "
                + condition
                + " and j.state = 'ACTIVE' and t.task_name = j.type and t.task_instance = j.id and not"
                + " t.picked returning t.task_instance as id)"
                + " update kairos_job j set state = 'CANCELLED', finished_at = now(), updated_at ="
                + " now(), updated_by = ?, paused_execution_time = null, paused_task_data = null,"
                + " paused_last_success = null, paused_last_failure = null,"
                + " paused_consecutive_failures = null"
                // Joined, not a sub-select: when a concurrent change makes PostgreSQL recheck a row
                // (EvalPlanQual), a sub-select over a deleting CTE would run the delete again,
                // which
                // it refuses (XX000); a joined row is reused as it was.
                + " from (select array_agg(id) as ids from gone) g where "
                + condition
                + " and (j.state = 'PAUSED' or j.id = any(g.ids)) returning j.id"),
        String.class,
        value,
        by,
        value);
  }

  // --- Controls above one job: a group, a type ------------------------------------------------

  /**
   * The jobs a control above one job applies to: created through the API (declared jobs are the
   * operators', changed only through configuration), of the group and/or the type.
   */
  private static String selection(JobFilter filter, List<Object> args) {
    StringBuilder sql = new StringBuilder("j.source = 'API'");
    if (filter.group() != null) {
      sql.append(" and j.job_group = ?");
      args.add(filter.group());
    }
    if (filter.type() != null) {
      sql.append(" and j.type = ?");
      args.add(filter.type());
    }
    return sql.toString();
  }

  /**
   * Pauses every selected job that is pending, in one statement: the per-job pause applied to the
   * selection, conditioned on {@code not picked} in the statement that moves each execution, so a
   * running job is left alone. Returns the ids paused.
   */
  public List<String> pauseAll(JobFilter filter, String by) {
    List<Object> args = new ArrayList<>();
    String selected = selection(filter, args);
    args.add(by);
    return jdbc.queryForList(
        schema.sql(
            "with moved as (delete from scheduled_tasks t using kairos_job j where "
                + selected
                + " and j.state = 'ACTIVE' and t.task_name = j.type and t.task_instance = j.id and"
                + " not t.picked returning t.task_instance as id, t.execution_time, t.task_data,"
                + " t.last_success, t.last_failure, t.consecutive_failures)"
                + " update kairos_job set state = 'PAUSED', paused_execution_time ="
                + " moved.execution_time, paused_task_data = moved.task_data, paused_last_success ="
                + " moved.last_success, paused_last_failure = moved.last_failure,"
                + " paused_consecutive_failures = moved.consecutive_failures, updated_at = now(),"
                + " updated_by = ? from moved where kairos_job.id = moved.id returning kairos_job.id"),
        String.class,
        args.toArray());
  }

  /** Selected jobs whose execution a worker has claimed right now: id and node. */
  public List<RunningJob> runningAmong(JobFilter filter) {
    List<Object> args = new ArrayList<>();
    String selected = selection(filter, args);
    return jdbc.query(
        schema.sql(
            "select j.id, t.picked_by from kairos_job j join scheduled_tasks t on t.task_name = j.type"
                + " and t.task_instance = j.id where "
                + selected
                + " and j.state = 'ACTIVE' and t.picked order by j.id"),
        (rs, row) -> new RunningJob(rs.getString(1), rs.getString(2)),
        args.toArray());
  }

  /** One page of the selected PAUSED jobs' ids, in id order after {@code afterId}. */
  public List<String> pausedAmong(JobFilter filter, String afterId, int limit) {
    List<Object> args = new ArrayList<>();
    String selected = selection(filter, args);
    args.add(afterId == null ? "" : afterId);
    args.add(limit);
    return jdbc.queryForList(
        schema.sql(
            "select j.id from kairos_job j where "
                + selected
                + " and j.state = 'PAUSED' and j.id > ? order by j.id limit ?"),
        String.class,
        args.toArray());
  }

  /** An execution in {@code scheduled_tasks}. */
  public record ExecutionRow(
      Instant executionTime, JobData data, boolean picked, String pickedBy, long version) {}

  /** An execution set aside by pausing its job. */
  public record PausedExecution(
      String type,
      int priority,
      Instant executionTime,
      JobData data,
      Instant lastSuccess,
      Instant lastFailure,
      int consecutiveFailures) {}

  /** A job whose execution a worker has claimed. */
  public record RunningJob(String id, String node) {}
}
