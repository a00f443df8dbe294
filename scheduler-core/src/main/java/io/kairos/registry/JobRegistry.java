package io.kairos.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.job.Job;
import io.kairos.job.JobData;
import io.kairos.job.JobFilter;
import io.kairos.job.JobState;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The job registry ({@code kairos_job}) joined with db-scheduler's live execution. Writes here run
 * inside the same transaction as the matching db-scheduler write.
 *
 * <p>Every statement that changes or removes an execution in {@code scheduled_tasks} is conditioned
 * on {@code not picked} in that same statement: an execution a worker has claimed belongs to that
 * worker until its completion rewrites the row (db-scheduler issue #422), so it is never touched
 * here. Statements that change both tables touch {@code scheduled_tasks} first and {@code
 * kairos_job} second, the order a worker's completion uses, so the two cannot deadlock.
 */
public final class JobRegistry {

  private static final String COLUMNS =
      "select j.id, j.type, j.job_group, j.payload, j.schedule, j.max_attempts, j.priority,"
          + " j.request_hash, j.state, j.last_error, j.created_at, j.created_by, j.updated_at,"
          + " j.updated_by, j.finished_at, j.timeout, j.misfire_grace, j.stale_since,"
          + " coalesce(t.execution_time, j.paused_execution_time) as next_run_at, t.picked,"
          + " t.picked_by, t.last_heartbeat,"
          + " coalesce(t.last_success, j.paused_last_success) as last_success,"
          + " coalesce(t.last_failure, j.paused_last_failure) as last_failure,"
          + " coalesce(t.consecutive_failures, j.paused_consecutive_failures, 0)"
          + " as consecutive_failures";
  private static final String FROM =
      " from kairos_job j left join scheduled_tasks t"
          + " on t.task_name = j.type and t.task_instance = j.id ";
  private static final String SELECT = COLUMNS + FROM;

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;

  public JobRegistry(DataSource dataSource, ObjectMapper json) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.json = json;
  }

  /** Inserts the job; false when a job with this id already exists (nothing is changed then). */
  public boolean insert(NewJob job) {
    return insert(job, "API");
  }

  /**
   * Inserts a job declared in configuration ({@code source = 'CONFIG'}); false when the id exists.
   */
  public boolean insertDeclared(NewJob job) {
    return insert(job, "CONFIG");
  }

  /** Where each job of a source came from, by id, with its request hash. */
  public java.util.Map<String, String> requestHashesOf(String source) {
    java.util.Map<String, String> hashes = new java.util.LinkedHashMap<>();
    jdbc.query(
        "select id, request_hash from kairos_job where source = ? order by id",
        rs -> {
          hashes.put(rs.getString(1), rs.getString(2));
        },
        source);
    return hashes;
  }

  /** The source of a job ('API' or 'CONFIG'), if it exists. */
  public Optional<String> sourceOf(String id) {
    return jdbc
        .queryForList("select source from kairos_job where id = ?", String.class, id)
        .stream()
        .findFirst();
  }

  /** Replaces a declared job's definition (not its history). */
  public void updateDeclared(NewJob job) {
    jdbc.update(
        "update kairos_job set type = ?, job_group = ?, payload = ?::jsonb, schedule = ?::jsonb,"
            + " max_attempts = ?, priority = ?, request_hash = ?, state = 'ACTIVE',"
            + " finished_at = null, updated_at = now(), updated_by = ? where id = ?"
            + " and source = 'CONFIG'",
        job.type(),
        job.group(),
        write(job.payload()),
        write(job.schedule()),
        job.maxAttempts(),
        job.priority(),
        job.requestHash(),
        job.createdBy(),
        job.id());
  }

  /** Removes a job's registry row; its history stays. */
  public void delete(String id) {
    jdbc.update("delete from kairos_job where id = ?", id);
  }

  private boolean insert(NewJob job, String source) {
    return jdbc.update(
            "insert into kairos_job (id, type, job_group, payload, schedule, max_attempts,"
                + " priority, request_hash, state, created_by, updated_by, timeout, misfire_grace,"
                + " source) values (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?)"
                + " on conflict (id) do nothing",
            job.id(),
            job.type(),
            job.group(),
            write(job.payload()),
            write(job.schedule()),
            job.maxAttempts(),
            job.priority(),
            job.requestHash(),
            job.createdBy(),
            job.createdBy(),
            text(job.timeout()),
            text(job.misfireGrace()),
            source)
        == 1;
  }

  public Optional<Job> find(String id) {
    List<Job> found = jdbc.query(SELECT + "where j.id = ?", this::map, id);
    return found.stream().findFirst();
  }

  /**
   * One page of jobs in id order, after {@code afterId} (keyset pagination: each page is one index
   * range scan, however deep, and stays stable while jobs are added).
   */
  public List<Job> list(JobFilter filter, String afterId, int limit) {
    StringBuilder sql = new StringBuilder(SELECT).append("where j.id > ?");
    List<Object> args = new ArrayList<>();
    args.add(afterId == null ? "" : afterId);
    if (filter.type() != null) {
      sql.append(" and j.type = ?");
      args.add(filter.type());
    }
    if (filter.group() != null) {
      sql.append(" and j.job_group = ?");
      args.add(filter.group());
    }
    if (filter.state() != null) {
      switch (filter.state()) {
        case SCHEDULED -> sql.append(" and j.state = 'ACTIVE' and t.picked is not true");
        case RUNNING -> sql.append(" and j.state = 'ACTIVE' and t.picked");
        default -> {
          sql.append(" and j.state = ?");
          args.add(filter.state().name());
        }
      }
    }
    if (filter.idPrefix() != null && !filter.idPrefix().isEmpty()) {
      // Walks the id index from the cursor like every page; the prefix only filters.
      sql.append(" and j.id like ? escape '\\'");
      args.add(
          filter.idPrefix().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
    }
    if (filter.staleOnly()) {
      sql.append(" and j.stale_since is not null");
    }
    sql.append(" order by j.id limit ?");
    args.add(limit);
    return jdbc.query(sql.toString(), this::map, args.toArray());
  }

  /** Records that the job's execution is gone for good, with its final state. */
  public void finish(String id, JobState state, String error) {
    if (!state.terminal()) {
      throw new IllegalArgumentException("not a final state: " + state);
    }
    jdbc.update(
        "update kairos_job set state = ?, last_error = ?, finished_at = now(), updated_at = now()"
            + " where id = ?",
        state.name(),
        RunHistory.truncate(error),
        id);
  }

  /** Remembers the latest failure of a job that goes on (recurring, or retried). */
  public void recordError(String id, String error) {
    jdbc.update(
        "update kairos_job set last_error = ?, updated_at = now() where id = ?",
        RunHistory.truncate(error),
        id);
  }

  /** The job's execution as db-scheduler holds it, if it has one. */
  public Optional<ExecutionRow> execution(String type, String id) {
    return jdbc
        .query(
            "select execution_time, task_data, picked, picked_by, version from scheduled_tasks"
                + " where task_name = ? and task_instance = ?",
            (rs, row) ->
                new ExecutionRow(
                    instant(rs, "execution_time"),
                    readTaskData(rs.getBytes("task_data")),
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
            "with moved as (delete from scheduled_tasks t using kairos_job j where j.id = ? and"
                + " j.state = 'ACTIVE' and t.task_name = j.type and t.task_instance = j.id and not"
                + " t.picked returning t.execution_time, t.task_data, t.last_success,"
                + " t.last_failure, t.consecutive_failures)"
                + " update kairos_job set state = 'PAUSED', paused_execution_time ="
                + " moved.execution_time, paused_task_data = moved.task_data, paused_last_success"
                + " = moved.last_success, paused_last_failure = moved.last_failure,"
                + " paused_consecutive_failures = moved.consecutive_failures, updated_at = now(),"
                + " updated_by = ? from moved where kairos_job.id = ?",
            id,
            by,
            id)
        == 1;
  }

  /** A paused job's set-aside execution, locking the job row until the transaction ends. */
  public Optional<PausedExecution> lockPaused(String id) {
    return jdbc
        .query(
            "select type, priority, paused_execution_time, paused_task_data, paused_last_success,"
                + " paused_last_failure, paused_consecutive_failures from kairos_job where id = ?"
                + " and state = 'PAUSED' for update",
            (rs, row) ->
                new PausedExecution(
                    rs.getString("type"),
                    rs.getInt("priority"),
                    instant(rs, "paused_execution_time"),
                    readTaskData(rs.getBytes("paused_task_data")),
                    instant(rs, "paused_last_success"),
                    instant(rs, "paused_last_failure"),
                    rs.getInt("paused_consecutive_failures")),
            id)
        .stream()
        .findFirst();
  }

  /** Marks a paused job ACTIVE again; its execution must be put back in the same transaction. */
  public boolean markResumed(String id, String by) {
    return jdbc.update(
            "update kairos_job set state = 'ACTIVE', paused_execution_time = null,"
                + " paused_task_data = null, paused_last_success = null, paused_last_failure ="
                + " null, paused_consecutive_failures = null, updated_at = now(), updated_by = ?"
                + " where id = ? and state = 'PAUSED'",
            by,
            id)
        == 1;
  }

  /** Gives a put-back execution the success and failure record it had when it was paused. */
  public void restoreRecord(String type, String id, PausedExecution paused) {
    jdbc.update(
        "update scheduled_tasks set last_success = ?, last_failure = ?, consecutive_failures = ?"
            + " where task_name = ? and task_instance = ? and not picked",
        timestamp(paused.lastSuccess()),
        timestamp(paused.lastFailure()),
        paused.consecutiveFailures(),
        type,
        id);
  }

  /** Changes what a paused job will resume with. False when the job is not PAUSED. */
  public boolean changePaused(String id, Instant executionTime, JobData data) {
    return jdbc.update(
            "update kairos_job set paused_execution_time = ?, paused_task_data = ? where id = ?"
                + " and state = 'PAUSED'",
            Timestamp.from(executionTime),
            writeTaskData(data),
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
            "update scheduled_tasks set execution_time = ?, task_data = ?, priority = ?, version ="
                + " version + 1 where task_name = ? and task_instance = ? and version = ? and not"
                + " picked",
            Timestamp.from(executionTime),
            writeTaskData(data),
            priority,
            type,
            id,
            version)
        == 1;
  }

  /** Makes an unclaimed execution due at {@code now}. False when there is none or it is claimed. */
  public boolean runNow(String type, String id, Instant now) {
    return jdbc.update(
            "update scheduled_tasks set execution_time = ?, version = version + 1 where task_name"
                + " = ? and task_instance = ? and not picked",
            Timestamp.from(now),
            type,
            id)
        == 1;
  }

  /** The job's own record of its definition. */
  public void changeDefinition(
      String id, ScheduleSpec schedule, int priority, int maxAttempts, String by) {
    jdbc.update(
        "update kairos_job set schedule = ?::jsonb, priority = ?, max_attempts = ?, updated_at ="
            + " now(), updated_by = ? where id = ?",
        write(schedule),
        priority,
        maxAttempts,
        by,
        id);
  }

  /** Records who last acted on the job. */
  public void touch(String id, String by) {
    jdbc.update("update kairos_job set updated_at = now(), updated_by = ? where id = ?", by, id);
  }

  /**
   * Cancels a job in one statement: deletes its unclaimed execution (or drops its paused one) and
   * marks it CANCELLED. False when the job is claimed by a worker, unknown or already final.
   */
  public boolean cancel(String id, String by) {
    return !cancelWhere("j.id = ?", id, by).isEmpty();
  }

  /** Cancels every job of a group that is not running, in one statement; returns their ids. */
  public List<String> cancelGroup(String group, String by) {
    return cancelWhere("j.job_group = ?", group, by);
  }

  /** Jobs of a group whose execution is claimed by a worker right now: id and node. */
  public List<RunningJob> runningInGroup(String group) {
    return jdbc.query(
        "select j.id, t.picked_by from kairos_job j join scheduled_tasks t on t.task_name = j.type"
            + " and t.task_instance = j.id where j.job_group = ? and j.state = 'ACTIVE' and"
            + " t.picked order by j.id",
        (rs, row) -> new RunningJob(rs.getString(1), rs.getString(2)),
        group);
  }

  private List<String> cancelWhere(String condition, String value, String by) {
    return jdbc.queryForList(
        "with gone as (delete from scheduled_tasks t using kairos_job j where "
            + condition
            + " and j.state = 'ACTIVE' and t.task_name = j.type and t.task_instance = j.id and not"
            + " t.picked returning t.task_instance as id)"
            + " update kairos_job j set state = 'CANCELLED', finished_at = now(), updated_at ="
            + " now(), updated_by = ?, paused_execution_time = null, paused_task_data = null,"
            + " paused_last_success = null, paused_last_failure = null,"
            + " paused_consecutive_failures = null where "
            + condition
            + " and (j.state = 'PAUSED' or j.id in (select id from gone)) returning j.id",
        String.class,
        value,
        by,
        value);
  }

  private Job map(ResultSet rs, int row) throws SQLException {
    String stored = rs.getString("state");
    boolean picked = rs.getBoolean("picked"); // false when there is no execution
    JobState state;
    if (!"ACTIVE".equals(stored)) {
      state = JobState.valueOf(stored);
    } else {
      state = picked ? JobState.RUNNING : JobState.SCHEDULED;
    }
    return new Job(
        rs.getString("id"),
        rs.getString("type"),
        rs.getString("job_group"),
        read(rs.getString("payload"), JsonNode.class),
        read(rs.getString("schedule"), ScheduleSpec.class),
        rs.getInt("max_attempts"),
        rs.getInt("priority"),
        rs.getString("request_hash"),
        state,
        state.terminal() ? null : instant(rs, "next_run_at"),
        picked ? rs.getString("picked_by") : null,
        picked ? instant(rs, "last_heartbeat") : null,
        instant(rs, "last_success"),
        instant(rs, "last_failure"),
        rs.getInt("consecutive_failures"),
        rs.getString("last_error"),
        instant(rs, "created_at"),
        rs.getString("created_by"),
        instant(rs, "updated_at"),
        instant(rs, "finished_at"),
        duration(rs.getString("timeout")),
        duration(rs.getString("misfire_grace")),
        rs.getString("updated_by"),
        instant(rs, "stale_since"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  private static String text(Duration duration) {
    return duration == null ? null : duration.toString();
  }

  private static Duration duration(String text) {
    return text == null ? null : Duration.parse(text);
  }

  /** Task data exactly as db-scheduler's serializer ({@code JsonSerializer}) writes it. */
  private byte[] writeTaskData(JobData data) {
    try {
      return json.writeValueAsBytes(data);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write task data", e);
    }
  }

  private JobData readTaskData(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return json.readValue(bytes, JobData.class);
    } catch (IOException e) {
      throw new IllegalStateException("stored task data is unreadable", e);
    }
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON", e);
    }
  }

  private <T> T read(String value, Class<T> type) {
    if (value == null) {
      return null;
    }
    try {
      return json.readValue(value, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is unreadable as " + type.getSimpleName(), e);
    }
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
