package io.kairos.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.history.JobRunStore;
import io.kairos.schedule.ScheduleSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The job registry ({@code kairos_job}) joined with db-scheduler's live execution. Writes here run
 * inside the same transaction as the matching db-scheduler write.
 */
public final class JobStore {

  private static final String SELECT =
      "select j.*, t.execution_time, t.picked, t.picked_by, t.last_heartbeat, t.last_success,"
          + " t.last_failure, t.consecutive_failures from kairos_job j left join scheduled_tasks t"
          + " on t.task_name = j.type and t.task_instance = j.id ";

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;

  public JobStore(DataSource dataSource, ObjectMapper json) {
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
            + " finished_at = null, updated_at = now() where id = ? and source = 'CONFIG'",
        job.type(),
        job.group(),
        write(job.payload()),
        write(job.schedule()),
        job.maxAttempts(),
        job.priority(),
        job.requestHash(),
        job.id());
  }

  /** Removes a job's registry row; its history stays. */
  public void delete(String id) {
    jdbc.update("delete from kairos_job where id = ?", id);
  }

  private boolean insert(NewJob job, String source) {
    return jdbc.update(
            "insert into kairos_job (id, type, job_group, payload, schedule, max_attempts,"
                + " priority, request_hash, state, created_by, source) values (?, ?, ?, ?::jsonb,"
                + " ?::jsonb, ?, ?, ?, 'ACTIVE', ?, ?) on conflict (id) do nothing",
            job.id(),
            job.type(),
            job.group(),
            write(job.payload()),
            write(job.schedule()),
            job.maxAttempts(),
            job.priority(),
            job.requestHash(),
            job.createdBy(),
            source)
        == 1;
  }

  public Optional<Job> find(String id) {
    List<Job> found = jdbc.query(SELECT + "where j.id = ?", this::map, id);
    return found.stream().findFirst();
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
        JobRunStore.truncate(error),
        id);
  }

  /** Remembers the latest failure of a job that goes on (recurring, or retried). */
  public void recordError(String id, String error) {
    jdbc.update(
        "update kairos_job set last_error = ?, updated_at = now() where id = ?",
        JobRunStore.truncate(error),
        id);
  }

  private Job map(ResultSet rs, int row) throws SQLException {
    String stored = rs.getString("state");
    String executionTime = rs.getString("execution_time");
    boolean hasExecution = executionTime != null;
    boolean picked = hasExecution && rs.getBoolean("picked");
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
        hasExecution ? instant(rs, "execution_time") : null,
        picked ? rs.getString("picked_by") : null,
        picked ? instant(rs, "last_heartbeat") : null,
        instant(rs, "last_success"),
        instant(rs, "last_failure"),
        rs.getInt("consecutive_failures"),
        rs.getString("last_error"),
        instant(rs, "created_at"),
        rs.getString("created_by"),
        instant(rs, "updated_at"),
        instant(rs, "finished_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
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
}
