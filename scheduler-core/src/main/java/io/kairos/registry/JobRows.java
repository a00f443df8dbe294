package io.kairos.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.catalogue.SealedJob;
import io.kairos.job.Job;
import io.kairos.job.JobData;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.MisfirePolicy;
import io.kairos.job.NewJob;
import io.kairos.job.NotifyTarget;
import io.kairos.job.ScheduleSpec;
import io.kairos.serialization.JsonSerializer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How a job's row reads and is written, shared by the stores of every feature that touches {@code
 * kairos_job}: the one row mapping of a {@link Job} ({@link #SELECT}: the row with its execution;
 * what neither carries of the revision's outcome, {@link RevisionOutcomeStore} reads from history),
 * the definition column list ({@link #DEFINITION}), stored JSON and task data (written by the one
 * {@link JsonSerializer}), and the small conversions statements need. Runs no statement.
 */
public final class JobRows {

  private static final String COLUMNS =
      "select j.id, j.type, j.job_group, j.payload, j.schedule, j.max_attempts, j.priority,"
          + " j.request_hash, j.state, j.last_error, j.created_at, j.created_by, j.updated_at,"
          + " j.updated_by, j.finished_at, j.timeout, j.misfire_grace, j.stale_since, j.revision,"
          + " j.source, j.shadows_declaration, j.concurrency_key,"
          + " coalesce(t.execution_time, j.paused_execution_time) as next_run_at, t.picked,"
          + " t.picked_by, t.last_heartbeat,"
          // What an execution or a pause does not carry, history tells: RevisionOutcomeStore.
          + " coalesce(t.last_success, j.paused_last_success) as last_success,"
          + " coalesce(t.last_failure, j.paused_last_failure) as last_failure,"
          + " coalesce(t.consecutive_failures, j.paused_consecutive_failures)"
          + " as consecutive_failures";
  private static final String FROM =
      " from kairos_job j left join scheduled_tasks t"
          + " on t.task_name = j.type and t.task_instance = j.id ";

  /**
   * A job's row joined with its execution, as {@link #job} maps it; a {@code where} follows. Its
   * tables are named plainly: a store runs it through its {@code KairosSchema#sql}.
   */
  public static final String SELECT = COLUMNS + FROM;

  /**
   * The columns a job's definition is stored in, for {@code update … set}: creating, replacing and
   * redefining a job all write the same ones, in this order ({@link #definitionAnd}).
   */
  public static final String DEFINITION =
      "type = ?, job_group = ?, payload = ?::jsonb, schedule = ?::jsonb, max_attempts = ?,"
          + " priority = ?, request_hash = ?, timeout = ?, misfire_grace = ?, notify = ?::jsonb,"
          + " concurrency_key = ?";

  private final ObjectMapper json;
  private final JsonSerializer taskData;

  /**
   * @param json Kairos's mapper for stored JSON ({@code KairosJson})
   */
  public JobRows(ObjectMapper json) {
    this.json = json;
    this.taskData = new JsonSerializer(json);
  }

  /** Kairos's mapper for stored JSON. */
  public ObjectMapper json() {
    return json;
  }

  /** The task-data serializer every writer of {@code scheduled_tasks} uses. */
  public JsonSerializer taskData() {
    return taskData;
  }

  /** The values of {@link #DEFINITION} for {@code job}, followed by {@code more}. */
  public Object[] definitionAnd(SealedJob sealed, Object... more) {
    NewJob job = sealed.job();
    List<Object> values = new ArrayList<>();
    values.add(job.type());
    values.add(job.group());
    values.add(write(job.payload()));
    values.add(write(job.schedule()));
    values.add(job.maxAttempts());
    values.add(job.priority());
    values.add(job.requestHash());
    values.add(text(job.timeout()));
    values.add(MisfirePolicy.text(job.misfireGrace()));
    values.add(job.notifyTargets().isEmpty() ? null : write(job.notifyTargets()));
    values.add(job.concurrencyKey());
    values.addAll(java.util.Arrays.asList(more));
    return values.toArray();
  }

  /**
   * A job as its row and execution tell it ({@link #read}), and which parts of its revision's
   * outcome neither told: those are read from history ({@link RevisionOutcomeStore}).
   */
  record Read(Job job, boolean failuresMissing) {

    /** True when the row lacks some of the outcome: history may know it. */
    boolean outcomeMissing() {
      return job.lastSuccess() == null || job.lastFailure() == null || failuresMissing;
    }

    /** The job with what it lacked taken from {@code history} (null: no runs of its revision). */
    Job completedBy(RevisionOutcomeStore.Outcome history) {
      Job j = job;
      return new Job(
          j.id(),
          j.type(),
          j.group(),
          j.payload(),
          j.schedule(),
          j.maxAttempts(),
          j.priority(),
          j.requestHash(),
          j.state(),
          j.nextRunAt(),
          j.runningOn(),
          j.lastHeartbeat(),
          j.lastSuccess() != null || history == null ? j.lastSuccess() : history.lastSuccess(),
          j.lastFailure() != null || history == null ? j.lastFailure() : history.lastFailure(),
          !failuresMissing
              ? j.consecutiveFailures()
              : history == null ? 0 : history.consecutiveFailures(),
          j.lastError(),
          j.createdAt(),
          j.createdBy(),
          j.updatedAt(),
          j.finishedAt(),
          j.timeout(),
          j.misfireGrace(),
          j.updatedBy(),
          j.staleSince(),
          j.revision(),
          j.source(),
          j.shadowsDeclaration(),
          j.concurrencyKey());
    }
  }

  /** A row of {@link #SELECT}: the job it is, as far as the row tells. */
  Read read(ResultSet rs, int row) throws SQLException {
    return new Read(job(rs), rs.getObject("consecutive_failures") == null);
  }

  private Job job(ResultSet rs) throws SQLException {
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
        grace(rs.getString("misfire_grace")),
        rs.getString("updated_by"),
        instant(rs, "stale_since"),
        rs.getInt("revision"),
        JobSource.valueOf(rs.getString("source")),
        rs.getBoolean("shadows_declaration"),
        rs.getString("concurrency_key"));
  }

  /** A stored job (a {@code kairos_job} row) as the definition it was created from. */
  public NewJob definition(ResultSet rs, int row) throws SQLException {
    return new NewJob(
        rs.getString("id"),
        rs.getString("type"),
        rs.getString("job_group"),
        read(rs.getString("payload"), JsonNode.class),
        read(rs.getString("schedule"), ScheduleSpec.class),
        rs.getInt("max_attempts"),
        rs.getInt("priority"),
        rs.getString("request_hash"),
        rs.getString("created_by"),
        duration(rs.getString("timeout")),
        grace(rs.getString("misfire_grace")),
        notifyTargets(rs.getString("notify")),
        rs.getString("concurrency_key"));
  }

  /** The notification targets stored in a job's {@code notify} column. */
  public List<NotifyTarget> notifyTargets(String stored) {
    return stored == null ? List.of() : List.of(read(stored, NotifyTarget[].class));
  }

  public byte[] writeTaskData(JobData data) {
    return taskData.serialize(data);
  }

  public JobData readTaskData(byte[] bytes) {
    return taskData.deserialize(JobData.class, bytes);
  }

  /** {@code value} as stored JSON text. */
  public String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON", e);
    }
  }

  /** Stored JSON text as a {@code type}; null stays null. */
  public <T> T read(String value, Class<T> type) {
    if (value == null) {
      return null;
    }
    try {
      return json.readValue(value, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is unreadable as " + type.getSimpleName(), e);
    }
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }

  public static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  /** A duration as stored (ISO-8601 text). */
  public static String text(Duration duration) {
    return duration == null ? null : duration.toString();
  }

  public static Duration duration(String text) {
    return text == null ? null : Duration.parse(text);
  }

  /** A stored misfire grace: null (the cluster's default), {@code none} or a duration. */
  public static Duration grace(String text) {
    return MisfirePolicy.NONE_TEXT.equals(text) ? MisfirePolicy.NONE : duration(text);
  }

  /** One column of {@code rows}, as the array a multi-row ({@code unnest}) statement binds. */
  public static <T, V> Object[] column(List<T> rows, java.util.function.Function<T, V> value) {
    Object[] values = new Object[rows.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = value.apply(rows.get(i));
    }
    return values;
  }

  /** An instant as text a {@code timestamptz[]} parameter reads. */
  public static String instantText(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
