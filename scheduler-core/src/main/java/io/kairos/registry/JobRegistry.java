package io.kairos.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import io.kairos.job.DeadJob;
import io.kairos.job.Job;
import io.kairos.job.JobData;
import io.kairos.job.JobEvent;
import io.kairos.job.JobFilter;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.MisfirePolicy;
import io.kairos.job.NewJob;
import io.kairos.job.NotifyTarget;
import io.kairos.job.ScheduleSpec;
import io.kairos.serialization.JsonSerializer;
import io.kairos.wakeup.DueListener;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.RowMapper;

/**
 * The job registry: the only owner of {@code kairos_job}, and of the statements on db-scheduler's
 * {@code scheduled_tasks} that Kairos writes itself (create, pause, change, run now, cancel,
 * requeue). Writes run in the caller's transaction (through {@link TransactionJoiningDataSource}
 * for db-scheduler's client), so a job row and its execution change together or not at all.
 *
 * <p>Every statement that changes or removes an execution in {@code scheduled_tasks} is conditioned
 * on {@code not picked} in that same statement: an execution a worker has claimed belongs to that
 * worker until its completion rewrites the row (db-scheduler's issue 422), so it is never touched
 * here. Statements that change both tables touch {@code scheduled_tasks} first and {@code
 * kairos_job} second, the order a worker's completion uses, so the two cannot deadlock.
 *
 * <p>Jobs come into being along one path, {@link #create}, whoever asks (the API, declared jobs):
 * the row and its first execution, whose task data ({@link NewJob#firstData()}) is written by the
 * one shared {@link JsonSerializer}. Requeueing a dead job and redefining a declared one schedule
 * their new execution the same way.
 */
public final class JobRegistry {

  private static final String COLUMNS =
      "select j.id, j.type, j.job_group, j.payload, j.schedule, j.max_attempts, j.priority,"
          + " j.request_hash, j.state, j.last_error, j.created_at, j.created_by, j.updated_at,"
          + " j.updated_by, j.finished_at, j.timeout, j.misfire_grace, j.stale_since, j.revision,"
          + " j.source, j.shadows_declaration,"
          + " coalesce(t.execution_time, j.paused_execution_time) as next_run_at, t.picked,"
          + " t.picked_by, t.last_heartbeat,"
          + " coalesce(t.last_success, j.paused_last_success, (select max(r.finished_at) from kairos_job_run r where r.job_id = j.id and r.revision = j.revision and r.outcome = 'SUCCEEDED')) as last_success," // execution gone: this revision's history
          + " coalesce(t.last_failure, j.paused_last_failure, (select max(r.finished_at) from kairos_job_run r where r.job_id = j.id and r.revision = j.revision and r.outcome not in ('SUCCEEDED', 'RUNNING', 'MISSED'))) as last_failure,"
          + " coalesce(t.consecutive_failures, j.paused_consecutive_failures, 0)"
          + " as consecutive_failures";
  private static final String FROM =
      " from kairos_job j left join scheduled_tasks t"
          + " on t.task_name = j.type and t.task_instance = j.id ";
  private static final String SELECT = COLUMNS + FROM;

  /** Advisory lock key that serialises reconciling declared jobs ("Kairos" in ASCII). */
  private static final long DECLARATIONS_LOCK = 0x4b6169726f73L;

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;
  private final JsonSerializer taskData;
  private final SchedulerClient schedulerClient;
  private final Clock clock;

  /**
   * @param dataSource the DataSource the caller's transactions manage
   * @param json Kairos's mapper for stored JSON ({@code KairosJson})
   * @param clock "now" for first execution times (the database's clock in production)
   */
  public JobRegistry(DataSource dataSource, ObjectMapper json, Clock clock) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.json = json;
    this.taskData = new JsonSerializer(json);
    this.schedulerClient = KairosSchedulerClient.create(dataSource, taskData);
    this.clock = clock;
  }

  /** db-scheduler's client on the same DataSource and serializer (writes join the transaction). */
  public SchedulerClient schedulerClient() {
    return schedulerClient;
  }

  /**
   * Creates a job: its row and its first execution, in the caller's transaction. False when a job
   * with this id already exists (nothing is changed then).
   */
  public boolean create(NewJob job, JobSource source) {
    return !createAll(List.of(job), source).isEmpty();
  }

  /**
   * Creates many jobs at once, in the caller's transaction: one statement inserts their rows, one
   * JDBC batch their first executions. Returns the ids it created; an id that already exists is
   * left alone, as {@link #create} leaves it. Ids must be distinct. Rows are inserted in id order,
   * so two overlapping batches wait for each other instead of deadlocking.
   */
  public Set<String> createAll(List<NewJob> jobs, JobSource source) {
    if (jobs.isEmpty()) {
      return Set.of();
    }
    List<NewJob> sorted = new ArrayList<>(jobs);
    sorted.sort(java.util.Comparator.comparing(NewJob::id));
    Set<String> created = new HashSet<>(insertAll(sorted, source));
    List<NewJob> fresh = sorted.stream().filter(job -> created.contains(job.id())).toList();
    scheduleFirst(fresh);
    return created;
  }

  /** What {@link #replace} did. */
  /**
   * {@code NOTIFY kairos_due} in the current transaction: delivered to listening workers when it
   * commits, dropped if it rolls back, so they wake for jobs that exist.
   */
  public void wakeWorkersAtCommit() {
    jdbc.queryForList("select pg_notify(?, '')", DueListener.CHANNEL);
  }

  public enum Replaced {
    /** No job had this id: created, as {@link #create} does. */
    CREATED,
    /** The id's job was given the new definition as its next revision, with a fresh execution. */
    REPLACED,
    /** The id's job already has this definition (same request hash): nothing was changed. */
    UNCHANGED,
    /** A worker has claimed the job's execution: nothing was changed. */
    RUNNING,
    /**
     * The id belongs to a job not created through the API (declared in configuration, or one of
     * Kairos's own): nothing was changed.
     */
    DECLARED,
    /**
     * The job changed between reading and writing it (a worker finished it, it was resumed,
     * requeued or deleted): the caller must roll back and try again.
     */
    CHANGED_MEANWHILE
  }

  /**
   * Creates a job, or replaces the id's job whole, in the caller's transaction: type, group,
   * payload, schedule and options become the new ones, the state ACTIVE with a first execution
   * scheduled as {@link #create} schedules it, and the revision goes up by one. Any state can be
   * replaced — pending, paused, or final (completed, cancelled, dead, missed) — except a running
   * one: its execution is dropped only if unclaimed, in the statement that drops it. History stays,
   * each row marked with its revision.
   *
   * <p>The old execution leaves {@code scheduled_tasks} before the job row is written, the order a
   * worker's completion uses. The row is written only if its state and request hash are still what
   * was read, so a job resumed or requeued in between (which would have an execution again) is not
   * overwritten: the caller rolls back on {@link Replaced#CHANGED_MEANWHILE} and tries again.
   */
  public Replaced replace(NewJob job) {
    if (create(job, JobSource.API)) {
      return Replaced.CREATED;
    }
    List<Map<String, Object>> rows =
        jdbc.queryForList(
            "select type, state, request_hash, source from kairos_job where id = ?", job.id());
    if (rows.isEmpty()) {
      return Replaced.CHANGED_MEANWHILE; // deleted since the insert found it
    }
    Map<String, Object> current = rows.get(0);
    if (!JobSource.API.name().equals(current.get("source"))) {
      return Replaced.DECLARED;
    }
    String hash = (String) current.get("request_hash");
    if (hash.equals(job.requestHash())) {
      return Replaced.UNCHANGED;
    }
    if (dropExecution((String) current.get("type"), job.id()) == Dropped.RUNNING) {
      return Replaced.RUNNING;
    }
    int written =
        jdbc.update(
            "update kairos_job set "
                + DEFINITION
                + ", state = 'ACTIVE', revision = revision + 1, last_error = null, finished_at ="
                + " null, stale_since = null, paused_execution_time = null, paused_task_data ="
                + " null, paused_last_success = null, paused_last_failure = null,"
                + " paused_consecutive_failures = null, created_at = now(), created_by = ?,"
                + " updated_at = now(), updated_by = ? where id = ? and state = ? and"
                + " request_hash = ? and source = 'API'",
            definitionAnd(
                job, job.createdBy(), job.createdBy(), job.id(), current.get("state"), hash));
    if (written == 0) {
      return Replaced.CHANGED_MEANWHILE;
    }
    scheduleFirst(job, job.schedule().firstExecution(clock.now()));
    return Replaced.REPLACED;
  }

  /** Where each job of a source came from, by id, with its request hash. */
  public Map<String, String> requestHashesOf(JobSource source) {
    Map<String, String> hashes = new LinkedHashMap<>();
    jdbc.query(
        "select id, request_hash from kairos_job where source = ? order by id",
        rs -> {
          hashes.put(rs.getString(1), rs.getString(2));
        },
        source.name());
    return hashes;
  }

  /**
   * Holds the cluster-wide lock on declared jobs until the caller's transaction ends, so workers
   * starting together reconcile one after the other.
   */
  public void lockDeclarations() {
    jdbc.queryForList("select pg_advisory_xact_lock(?)", DECLARATIONS_LOCK);
  }

  /**
   * Marks the jobs (not declared ones) whose ids a worker's configuration declares as well, and
   * clears the mark of all others: the configuration of the worker that reconciled last decides.
   */
  public void markShadowingDeclarations(List<String> ids) {
    String[] marked = ids.toArray(String[]::new);
    jdbc.update(
        "update kairos_job set shadows_declaration = (id = any(?)) where source <> 'CONFIG' and"
            + " (shadows_declaration or id = any(?))",
        marked,
        marked);
  }

  /** The source of a job, if it exists. */
  public Optional<JobSource> sourceOf(String id) {
    return jdbc
        .queryForList("select source from kairos_job where id = ?", String.class, id)
        .stream()
        .map(JobSource::valueOf)
        .findFirst();
  }

  /**
   * Replaces a declared job's definition (not its history) and gives it a fresh first execution.
   * Its old execution must be gone ({@link #dropExecution}).
   */
  public void redefineDeclared(NewJob job) {
    jdbc.update(
        "update kairos_job set "
            + DEFINITION
            + ", state = 'ACTIVE', finished_at = null, last_error = null, stale_since = null,"
            + " updated_at = now(), updated_by = ? where id = ? and source = 'CONFIG'",
        definitionAnd(job, job.createdBy(), job.id()));
    scheduleFirst(job, job.schedule().firstExecution(clock.now()));
  }

  /** What {@link #dropExecution} found. */
  public enum Dropped {
    /** The unclaimed execution was deleted. */
    DROPPED,
    /** There was no execution. */
    NONE,
    /** A worker has claimed it; it was left alone. */
    RUNNING
  }

  /** Deletes a job's execution unless a worker has claimed it. */
  public Dropped dropExecution(String type, String id) {
    if (jdbc.update(
            "delete from scheduled_tasks where task_name = ? and task_instance = ? and not picked",
            type,
            id)
        == 1) {
      return Dropped.DROPPED;
    }
    Integer running =
        jdbc.queryForObject(
            "select count(*) from scheduled_tasks where task_name = ? and task_instance = ?",
            Integer.class,
            type,
            id);
    return running != null && running > 0 ? Dropped.RUNNING : Dropped.NONE;
  }

  /** Removes a job's registry row; its history stays. */
  public void delete(String id) {
    jdbc.update("delete from kairos_job where id = ?", id);
  }

  /**
   * Writes copies of job {@code templateId}, its row and its execution column for column, under the
   * ids {@code idPrefix} followed by {@code from} … {@code to - 1} zero-padded to nine digits: jobs
   * exactly as {@link #create} wrote the template (task data from the one {@code JsonSerializer}),
   * a hundred thousand in seconds, one statement per table. For benchmarks and load tests; returns
   * how many jobs were written.
   */
  public int writeCopies(String templateId, String idPrefix, int from, int to) {
    String job = columnsExcept("kairos_job", "id");
    String execution = columnsExcept("scheduled_tasks", "task_instance");
    int written =
        jdbc.update(
            "insert into kairos_job (id, "
                + job
                + ") select ? || lpad(g::text, 9, '0'), "
                + qualified("t", job)
                + " from kairos_job t cross join generate_series(?, ?) g where t.id = ?",
            idPrefix,
            from,
            to - 1,
            templateId);
    jdbc.update(
        "insert into scheduled_tasks (task_instance, "
            + execution
            + ") select ? || lpad(g::text, 9, '0'), "
            + qualified("t", execution)
            + " from scheduled_tasks t join kairos_job j on j.type = t.task_name"
            + " and j.id = t.task_instance cross join generate_series(?, ?) g where j.id = ?",
        idPrefix,
        from,
        to - 1,
        templateId);
    return written;
  }

  /** Removes the jobs whose id starts with {@code idPrefix} and their executions. */
  public void deleteStartingWith(String idPrefix) {
    jdbc.update(
        "with gone as (delete from kairos_job where id like ? escape '\\' returning id, type)"
            + " delete from scheduled_tasks t using gone where t.task_name = gone.type"
            + " and t.task_instance = gone.id",
        idPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
  }

  private String columnsExcept(String table, String column) {
    return String.join(
        ", ",
        jdbc.queryForList(
            "select column_name from information_schema.columns where table_schema ="
                + " current_schema() and table_name = ? and column_name <> ?"
                + " and is_generated = 'NEVER' order by ordinal_position",
            String.class,
            table,
            column));
  }

  private static String qualified(String alias, String columns) {
    return alias + "." + columns.replace(", ", ", " + alias + ".");
  }

  private void scheduleFirst(NewJob job, Instant at) {
    boolean scheduled =
        schedulerClient.scheduleIfNotExists(
            job.firstData().instance(job.type(), job.id(), job.priority()), at);
    if (!scheduled) {
      throw new IllegalStateException("job '" + job.id() + "' still has an execution");
    }
  }

  /**
   * The first executions of new jobs, through db-scheduler's own insert (one JDBC batch). A
   * leftover execution of one of these ids fails the batch, and with it the caller's transaction: a
   * job is never created without its own first execution.
   */
  private void scheduleFirst(List<NewJob> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    if (jobs.size() == 1) {
      NewJob job = jobs.get(0);
      scheduleFirst(job, job.schedule().firstExecution(clock.now()));
      return;
    }
    Instant now = clock.now();
    List<SchedulableInstance<?>> executions = new ArrayList<>(jobs.size());
    for (NewJob job : jobs) {
      executions.add(
          SchedulableInstance.of(
              job.firstData().instance(job.type(), job.id(), job.priority()),
              job.schedule().firstExecution(now)));
    }
    try {
      schedulerClient.scheduleBatch(executions);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "a job among " + jobs.size() + " new ones still has an execution", e);
    }
  }

  /** Inserts the rows of jobs not there yet, in one statement; the ids inserted. */
  private List<String> insertAll(List<NewJob> jobs, JobSource source) {
    return jdbc.execute(
        (Connection c) -> {
          try (var ps =
              c.prepareStatement(
                  "insert into kairos_job (type, job_group, payload, schedule, max_attempts,"
                      + " priority, request_hash, timeout, misfire_grace, notify, id, state,"
                      + " created_by, updated_by, source) select t.type, t.job_group,"
                      + " t.payload::jsonb, t.schedule::jsonb, t.max_attempts, t.priority,"
                      + " t.request_hash, t.timeout, t.misfire_grace, t.notify::jsonb, t.id,"
                      + " 'ACTIVE', t.created_by, t.created_by, ? from unnest(?::text[],"
                      + " ?::text[], ?::text[], ?::text[], ?::int4[], ?::int4[], ?::text[],"
                      + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) with ordinality"
                      + " as t(type, job_group, payload, schedule, max_attempts, priority,"
                      + " request_hash, timeout, misfire_grace, notify, id, created_by, n)"
                      + " order by t.n on conflict (id) do nothing returning id")) {
            ps.setString(1, source.name());
            ps.setArray(2, c.createArrayOf("text", column(jobs, NewJob::type)));
            ps.setArray(3, c.createArrayOf("text", column(jobs, NewJob::group)));
            ps.setArray(4, c.createArrayOf("text", column(jobs, j -> write(j.payload()))));
            ps.setArray(5, c.createArrayOf("text", column(jobs, j -> write(j.schedule()))));
            ps.setArray(6, c.createArrayOf("int4", column(jobs, NewJob::maxAttempts)));
            ps.setArray(7, c.createArrayOf("int4", column(jobs, NewJob::priority)));
            ps.setArray(8, c.createArrayOf("text", column(jobs, NewJob::requestHash)));
            ps.setArray(9, c.createArrayOf("text", column(jobs, j -> text(j.timeout()))));
            ps.setArray(
                10,
                c.createArrayOf("text", column(jobs, j -> MisfirePolicy.text(j.misfireGrace()))));
            ps.setArray(
                11,
                c.createArrayOf(
                    "text",
                    column(
                        jobs, j -> j.notifyTargets().isEmpty() ? null : write(j.notifyTargets()))));
            ps.setArray(12, c.createArrayOf("text", column(jobs, NewJob::id)));
            ps.setArray(13, c.createArrayOf("text", column(jobs, NewJob::createdBy)));
            List<String> inserted = new ArrayList<>(jobs.size());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                inserted.add(rs.getString(1));
              }
            }
            return inserted;
          }
        });
  }

  /**
   * The columns a job's definition is stored in, for {@code update … set}: creating, replacing and
   * redefining a job all write the same ones, in this order ({@link #definitionAnd}).
   */
  private static final String DEFINITION =
      "type = ?, job_group = ?, payload = ?::jsonb, schedule = ?::jsonb, max_attempts = ?,"
          + " priority = ?, request_hash = ?, timeout = ?, misfire_grace = ?, notify = ?::jsonb";

  /** The values of {@link #DEFINITION} for {@code job}, followed by {@code more}. */
  private Object[] definitionAnd(NewJob job, Object... more) {
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
    values.addAll(java.util.Arrays.asList(more));
    return values.toArray();
  }

  public Optional<Job> find(String id) {
    List<Job> found = jdbc.query(SELECT + "where j.id = ?", this::map, id);
    return found.stream().findFirst();
  }

  /**
   * The jobs with these ids that exist, in one read; by id. Each id is looked up as {@link #find}
   * looks up one (a lateral subquery the planner may not flatten): a plan for the whole list could
   * scan {@code scheduled_tasks}, which holds every pending execution.
   */
  public Map<String, Job> findAll(java.util.Collection<String> ids) {
    Map<String, Job> found = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    for (Job job :
        jdbc.query(
            "select found.* from unnest(?::text[]) as wanted(id) cross join lateral ("
                + SELECT
                + "where j.id = wanted.id offset 0) as found", // offset 0: not flattened
            this::map,
            (Object) ids.toArray(String[]::new))) {
      found.put(job.id(), job);
    }
    return found;
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

  /**
   * Puts a paused job's execution back at {@code at} with {@code data}, with the success and
   * failure record it had, and marks the job ACTIVE; false when the job is not PAUSED.
   */
  public boolean resume(String id, PausedExecution paused, JobData data, Instant at, String by) {
    if (!markResumed(id, by)) {
      return false;
    }
    boolean inserted =
        schedulerClient.scheduleIfNotExists(
            data.instance(paused.type(), id, paused.priority()), at);
    if (!inserted) {
      throw new IllegalStateException("paused job '" + id + "' still had an execution");
    }
    restoreRecord(paused.type(), id, paused);
    return true;
  }

  /** Marks a paused job ACTIVE again; its execution must be put back in the same transaction. */
  private boolean markResumed(String id, String by) {
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
  private void restoreRecord(String type, String id, PausedExecution paused) {
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
        "select j.id, t.picked_by from kairos_job j join scheduled_tasks t on t.task_name = j.type"
            + " and t.task_instance = j.id where j.job_group = ? and j.state = 'ACTIVE' and"
            + " t.picked"
            + (operatorJobsToo ? "" : " and j.source = 'API'")
            + " order by j.id",
        (rs, row) -> new RunningJob(rs.getString(1), rs.getString(2)),
        group);
  }

  /**
   * Hands a claimed execution back unstarted: unpicked, at its time and with its data (so no
   * attempt is counted), version-checked like db-scheduler's own writes. For an attempt that must
   * not start (the cluster is paused); false when the claim is no longer this worker's.
   */
  public boolean release(String type, String id, long version, String node) {
    return jdbc.update(
            "update scheduled_tasks set picked = false, picked_by = null, last_heartbeat = null,"
                + " version = version + 1 where task_name = ? and task_instance = ? and version ="
                + " ? and picked and picked_by = ?",
            type,
            id,
            version,
            node)
        == 1;
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
        "with moved as (delete from scheduled_tasks t using kairos_job j where "
            + selected
            + " and j.state = 'ACTIVE' and t.task_name = j.type and t.task_instance = j.id and"
            + " not t.picked returning t.task_instance as id, t.execution_time, t.task_data,"
            + " t.last_success, t.last_failure, t.consecutive_failures)"
            + " update kairos_job set state = 'PAUSED', paused_execution_time ="
            + " moved.execution_time, paused_task_data = moved.task_data, paused_last_success ="
            + " moved.last_success, paused_last_failure = moved.last_failure,"
            + " paused_consecutive_failures = moved.consecutive_failures, updated_at = now(),"
            + " updated_by = ? from moved where kairos_job.id = moved.id returning kairos_job.id",
        String.class,
        args.toArray());
  }

  /** Selected jobs whose execution a worker has claimed right now: id and node. */
  public List<RunningJob> runningAmong(JobFilter filter) {
    List<Object> args = new ArrayList<>();
    String selected = selection(filter, args);
    return jdbc.query(
        "select j.id, t.picked_by from kairos_job j join scheduled_tasks t on t.task_name = j.type"
            + " and t.task_instance = j.id where "
            + selected
            + " and j.state = 'ACTIVE' and t.picked order by j.id",
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
        "select j.id from kairos_job j where "
            + selected
            + " and j.state = 'PAUSED' and j.id > ? order by j.id limit ?",
        String.class,
        args.toArray());
  }

  /** How many executions workers are running right now, cluster-wide. */
  public int runningCount() {
    Integer n =
        jdbc.queryForObject("select count(*) from scheduled_tasks where picked", Integer.class);
    return n == null ? 0 : n;
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
            + " paused_consecutive_failures = null"
            // Joined, not a sub-select: when a concurrent change makes PostgreSQL recheck a row
            // (EvalPlanQual), a sub-select over a deleting CTE would run the delete again, which
            // it refuses (XX000); a joined row is reused as it was.
            + " from (select array_agg(id) as ids from gone) g where "
            + condition
            + " and (j.state = 'PAUSED' or j.id = any(g.ids)) returning j.id",
        String.class,
        value,
        by,
        value);
  }

  /** The jobs one creator has that are not final, and the total size of their payloads. */
  public record LiveUsage(long jobs, long payloadBytes) {}

  /**
   * How many jobs {@code createdBy} created that are not final (ACTIVE or PAUSED), and the bytes of
   * their payloads as stored JSON text; one scan of the partial index on live jobs by creator.
   */
  public LiveUsage liveUsageOf(String createdBy) {
    return jdbc.queryForObject(
        "select count(*), coalesce(sum(octet_length(payload::text)), 0) from kairos_job where"
            + " created_by = ? and state in ('ACTIVE', 'PAUSED')",
        (rs, row) -> new LiveUsage(rs.getLong(1), rs.getLong(2)),
        createdBy);
  }

  // --- Completions written in groups (the worker's group commit) ------------------------------

  /** An execution in {@code scheduled_tasks}, by its primary key. */
  public record ExecutionKey(String taskName, String taskInstance) {}

  /**
   * How a worker's completion leaves the execution it claimed at {@code version}: removed when
   * {@code nextExecutionTime} is null, otherwise rescheduled exactly as db-scheduler's own
   * reschedule writes it (unpicked, no heartbeat, the given success/failure record, {@code version
   * + 1}).
   */
  public record ExecutionEnd(
      ExecutionKey key,
      long version,
      Instant nextExecutionTime,
      JobData newData,
      Instant lastSuccess,
      Instant lastFailure,
      int consecutiveFailures) {

    public static ExecutionEnd remove(ExecutionKey key, long version) {
      return new ExecutionEnd(key, version, null, null, null, null, 0);
    }

    public boolean removes() {
      return nextExecutionTime == null;
    }
  }

  /**
   * Writes the ends of many claimed executions in the caller's transaction, each conditioned on the
   * version it was claimed at, as db-scheduler's own remove and reschedule are: two statements
   * however many there are. Returns the executions that still matched their version; the others
   * were taken over (revived by another worker) and are left untouched.
   */
  public Set<ExecutionKey> endExecutions(List<ExecutionEnd> ends) {
    List<ExecutionEnd> sorted = new ArrayList<>(ends);
    // One order for every writer's row locks.
    sorted.sort(
        java.util.Comparator.comparing((ExecutionEnd e) -> e.key().taskName())
            .thenComparing(e -> e.key().taskInstance()));
    List<ExecutionEnd> removals = sorted.stream().filter(ExecutionEnd::removes).toList();
    List<ExecutionEnd> reschedules = sorted.stream().filter(e -> !e.removes()).toList();
    Set<ExecutionKey> matched = new HashSet<>();
    if (!removals.isEmpty()) {
      jdbc.query(
          "delete from scheduled_tasks t using unnest(?::text[], ?::text[], ?::bigint[])"
              + " as x(task_name, task_instance, version) where t.task_name = x.task_name"
              + " and t.task_instance = x.task_instance and t.version = x.version"
              + " returning t.task_name, t.task_instance",
          ps -> {
            Connection c = ps.getConnection();
            ps.setArray(1, c.createArrayOf("text", column(removals, e -> e.key().taskName())));
            ps.setArray(2, c.createArrayOf("text", column(removals, e -> e.key().taskInstance())));
            ps.setArray(3, c.createArrayOf("int8", column(removals, ExecutionEnd::version)));
          },
          (RowCallbackHandler)
              rs -> matched.add(new ExecutionKey(rs.getString(1), rs.getString(2))));
    }
    if (!reschedules.isEmpty()) {
      jdbc.query(
          "update scheduled_tasks t set picked = false, picked_by = null, last_heartbeat = null,"
              + " last_success = x.last_success, last_failure = x.last_failure,"
              + " consecutive_failures = x.consecutive_failures, execution_time ="
              + " x.execution_time, task_data = x.task_data, version = t.version + 1"
              + " from unnest(?::text[], ?::text[], ?::bigint[], ?::timestamptz[], ?::bytea[],"
              + " ?::timestamptz[], ?::timestamptz[], ?::int[]) as x(task_name, task_instance,"
              + " version, execution_time, task_data, last_success, last_failure,"
              + " consecutive_failures) where t.task_name = x.task_name"
              + " and t.task_instance = x.task_instance and t.version = x.version"
              + " returning t.task_name, t.task_instance",
          ps -> {
            Connection c = ps.getConnection();
            ps.setArray(1, c.createArrayOf("text", column(reschedules, e -> e.key().taskName())));
            ps.setArray(
                2, c.createArrayOf("text", column(reschedules, e -> e.key().taskInstance())));
            ps.setArray(3, c.createArrayOf("int8", column(reschedules, ExecutionEnd::version)));
            ps.setArray(
                4,
                c.createArrayOf(
                    "text", column(reschedules, e -> instantText(e.nextExecutionTime()))));
            byte[][] data = new byte[reschedules.size()][];
            for (int i = 0; i < data.length; i++) {
              data[i] = writeTaskData(reschedules.get(i).newData());
            }
            ps.setArray(5, c.createArrayOf("bytea", data));
            ps.setArray(
                6, c.createArrayOf("text", column(reschedules, e -> instantText(e.lastSuccess()))));
            ps.setArray(
                7, c.createArrayOf("text", column(reschedules, e -> instantText(e.lastFailure()))));
            ps.setArray(
                8, c.createArrayOf("int4", column(reschedules, ExecutionEnd::consecutiveFailures)));
          },
          (RowCallbackHandler)
              rs -> matched.add(new ExecutionKey(rs.getString(1), rs.getString(2))));
    }
    return matched;
  }

  /** A job whose execution is gone for good, with its final state. */
  public record JobEnd(String id, JobState state, String error) {
    public JobEnd {
      if (!state.terminal()) {
        throw new IllegalArgumentException("not a final state: " + state);
      }
    }
  }

  /** {@link #finish} for many jobs, in one statement. */
  public void finishAll(List<JobEnd> ends) {
    if (ends.isEmpty()) {
      return;
    }
    List<JobEnd> sorted = new ArrayList<>(ends);
    sorted.sort(java.util.Comparator.comparing(JobEnd::id));
    jdbc.update(
        "update kairos_job j set state = x.state, last_error = x.error, finished_at = now(),"
            + " updated_at = now() from unnest(?::text[], ?::text[], ?::text[])"
            + " as x(id, state, error) where j.id = x.id",
        ps -> {
          Connection c = ps.getConnection();
          ps.setArray(1, c.createArrayOf("text", column(sorted, JobEnd::id)));
          ps.setArray(2, c.createArrayOf("text", column(sorted, e -> e.state().name())));
          ps.setArray(
              3, c.createArrayOf("text", column(sorted, e -> RunHistory.truncate(e.error()))));
        });
  }

  /**
   * Remembers the latest failure of jobs that go on (recurring, or retried), id → error, in one
   * statement.
   */
  public void recordErrors(Map<String, String> errors) {
    if (errors.isEmpty()) {
      return;
    }
    List<Map.Entry<String, String>> sorted = new ArrayList<>(errors.entrySet());
    sorted.sort(Map.Entry.comparingByKey());
    jdbc.update(
        "update kairos_job j set last_error = x.error, updated_at = now()"
            + " from unnest(?::text[], ?::text[]) as x(id, error) where j.id = x.id",
        ps -> {
          Connection c = ps.getConnection();
          ps.setArray(1, c.createArrayOf("text", column(sorted, Map.Entry::getKey)));
          ps.setArray(
              2, c.createArrayOf("text", column(sorted, e -> RunHistory.truncate(e.getValue()))));
        });
  }

  /**
   * Renews the heartbeat of claims this worker holds while db-scheduler does not heartbeat them
   * (claimed and queued for a thread, or with a result waiting for its group commit), each
   * conditioned on the version it was claimed at: one statement for all. Returns the claims that
   * still matched; the others ended or were taken over.
   */
  public Set<ExecutionKey> renewClaims(Map<ExecutionKey, Long> claims, Instant now) {
    if (claims.isEmpty()) {
      return Set.of();
    }
    List<Map.Entry<ExecutionKey, Long>> sorted = new ArrayList<>(claims.entrySet());
    // The order in which group commits lock rows too, so the two cannot deadlock.
    sorted.sort(
        java.util.Comparator.comparing((Map.Entry<ExecutionKey, Long> e) -> e.getKey().taskName())
            .thenComparing(e -> e.getKey().taskInstance()));
    Set<ExecutionKey> renewed = new HashSet<>();
    jdbc.query(
        "update scheduled_tasks t set last_heartbeat = ? from unnest(?::text[], ?::text[],"
            + " ?::bigint[]) as x(task_name, task_instance, version) where t.task_name ="
            + " x.task_name and t.task_instance = x.task_instance and t.version = x.version and"
            + " t.picked returning t.task_name, t.task_instance",
        ps -> {
          Connection c = ps.getConnection();
          ps.setTimestamp(1, Timestamp.from(now));
          ps.setArray(2, c.createArrayOf("text", column(sorted, e -> e.getKey().taskName())));
          ps.setArray(3, c.createArrayOf("text", column(sorted, e -> e.getKey().taskInstance())));
          ps.setArray(4, c.createArrayOf("int8", column(sorted, Map.Entry::getValue)));
        },
        (RowCallbackHandler) rs -> renewed.add(new ExecutionKey(rs.getString(1), rs.getString(2))));
    return renewed;
  }

  /** Whether an attempt may start now: see {@link #startable}. */
  public enum Startable {
    /** The claim is this worker's and the cluster is not paused. */
    YES,
    /** Another worker holds the execution now (or nobody does). */
    NOT_CLAIMED,
    /** The claim is this worker's, but the cluster is paused: hand it back ({@link #release}). */
    CLUSTER_PAUSED
  }

  /**
   * Whether this worker still holds the claim it was given (the execution is picked by {@code node}
   * at {@code version}) and the cluster is not paused ({@code kairos_control}, owned by {@code
   * ClusterSwitch}), read together in one statement just before the handler runs. A read, no
   * commit.
   */
  public Startable startable(String type, String id, long version, String node) {
    return jdbc.queryForObject(
        "select exists (select 1 from scheduled_tasks where task_name = ? and task_instance = ?"
            + " and version = ? and picked and picked_by = ?) as claimed, exists (select 1 from"
            + " kairos_control where paused) as paused",
        (rs, row) ->
            !rs.getBoolean("claimed")
                ? Startable.NOT_CLAIMED
                : rs.getBoolean("paused") ? Startable.CLUSTER_PAUSED : Startable.YES,
        type,
        id,
        version,
        node);
  }

  /** Which worker holds a job's execution now, if one does (from the claim, not from history). */
  public Optional<String> runningOn(String id) {
    return jdbc
        .queryForList(
            "select picked_by from scheduled_tasks where task_instance = ? and picked",
            String.class,
            id)
        .stream()
        .findFirst();
  }

  static <T, V> Object[] column(List<T> rows, java.util.function.Function<T, V> value) {
    Object[] values = new Object[rows.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = value.apply(rows.get(i));
    }
    return values;
  }

  static String instantText(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  // --- Dead jobs ---------------------------------------------------------------------------

  private static final String DEAD =
      "select j.*, (select r.attempt from kairos_job_run r where r.job_id = j.id order by r.id desc"
          + " limit 1) as attempts from kairos_job j where j.state = 'DEAD' ";

  /** Dead jobs in id order, after {@code afterId} (null: from the start), optionally of a type. */
  public List<DeadJob> deadJobs(String type, String afterId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    return jdbc.query(
        DEAD + "and (?::text is null or j.type = ?) and j.id > ? order by j.id limit ?",
        this::mapDead,
        type,
        type,
        afterId == null ? "" : afterId,
        limit);
  }

  /** One page of dead jobs' ids, in id order after {@code afterId}, of a type and/or group. */
  public List<String> deadIds(String type, String group, String afterId, int limit) {
    return jdbc.queryForList(
        "select id from kairos_job where state = 'DEAD' and (?::text is null or type = ?) and"
            + " (?::text is null or job_group = ?) and id > ? order by id limit ?",
        String.class,
        type,
        type,
        group,
        group,
        afterId == null ? "" : afterId,
        limit);
  }

  /** The dead job with this id, if there is one. */
  public Optional<DeadJob> deadJob(String id) {
    return jdbc.query(DEAD + "and j.id = ?", this::mapDead, id).stream().findFirst();
  }

  /** How many jobs are dead. */
  public long deadCount() {
    Long n =
        jdbc.queryForObject("select count(*) from kairos_job where state = 'DEAD'", Long.class);
    return n == null ? 0 : n;
  }

  /** True when a job with this id exists, in any state. */
  public boolean exists(String id) {
    Integer n =
        jdbc.queryForObject("select count(*) from kairos_job where id = ?", Integer.class, id);
    return n != null && n > 0;
  }

  /** Those of {@code ids} that some job has, in any state; one read. */
  public Set<String> existing(java.util.Collection<String> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.queryForList(
            "select id from kairos_job where id = any(?)",
            String.class,
            (Object) ids.toArray(String[]::new)));
  }

  /**
   * Makes a dead job ACTIVE again with a new first execution (now; a recurring job at its next
   * occurrence), in the caller's transaction; its history goes on. Empty when the job is not DEAD.
   */
  public Optional<Instant> requeueDead(String id) {
    List<NewJob> revived =
        jdbc.query(
            "update kairos_job set state = 'ACTIVE', finished_at = null, stale_since = null,"
                + " updated_at = now() where id = ? and state = 'DEAD' returning *",
            this::mapDefinition,
            id);
    if (revived.isEmpty()) {
      return Optional.empty();
    }
    NewJob job = revived.get(0);
    Instant now = clock.now();
    Instant next = job.schedule().recurring() ? job.schedule().firstExecution(now) : now;
    scheduleFirst(job, next);
    return Optional.of(next);
  }

  /** Deletes a dead job (its history stays until pruned); false if no dead job has this id. */
  public boolean deleteDead(String id) {
    return jdbc.update("delete from kairos_job where id = ? and state = 'DEAD'", id) == 1;
  }

  // --- Staleness (the watchdog's marks) -------------------------------------------------------

  /** An active job with its execution, as the stale-job watchdog judges it. */
  public record Liveness(
      String id,
      String type,
      ScheduleSpec schedule,
      Instant createdAt,
      boolean markedStale,
      Instant executionTime,
      boolean picked,
      Instant lastSuccess) {}

  /** A job whose stale mark the watchdog set or cleared. */
  public record StaleMark(String id, String type) {}

  private static final RowMapper<StaleMark> STALE_MARK =
      (rs, row) -> new StaleMark(rs.getString("id"), rs.getString("type"));

  /** Where a one-time job's row is: its schedule has an instant ({@link ScheduleSpec#at()}). */
  private static final String ONE_TIME = "(j.schedule ->> 'at') is not null";

  /**
   * Up to {@code limit} ACTIVE jobs that are not one-time (recurring, or with no readable schedule)
   * with their executions, in id order after {@code afterId}: the watchdog judges them against
   * their schedules page by page, so it never holds them all.
   */
  public List<Liveness> activeRecurringJobs(String afterId, int limit) {
    return jdbc.query(
        "select j.id, j.type, j.schedule, j.created_at, j.stale_since, t.execution_time, t.picked,"
            + " t.last_success from kairos_job j join scheduled_tasks t on t.task_name = j.type"
            + " and t.task_instance = j.id where j.state = 'ACTIVE' and (j.schedule ->> 'at') is"
            + " null and j.id > ? order by j.id limit ?",
        (rs, row) ->
            new Liveness(
                rs.getString("id"),
                rs.getString("type"),
                readOrNull(rs.getString("schedule")),
                instant(rs, "created_at"),
                rs.getTimestamp("stale_since") != null,
                instant(rs, "execution_time"),
                rs.getBoolean("picked"),
                instant(rs, "last_success")),
        afterId,
        limit);
  }

  /**
   * Marks stale, since now, up to {@code limit} ACTIVE one-time jobs not marked yet whose execution
   * no worker has claimed though it was due before {@code dueBefore}, and returns them: one
   * statement, whatever the size of the backlog. Rows another transaction holds are skipped (they
   * are being claimed or changed); the next check sees them.
   */
  public List<StaleMark> markUnclaimedOneTimeJobsStale(Instant dueBefore, int limit) {
    return jdbc.query(
        "update kairos_job set stale_since = now() where id in (select j.id from scheduled_tasks t"
            + " join kairos_job j on j.id = t.task_instance and j.type = t.task_name where"
            + " t.execution_time < ? and not t.picked and j.state = 'ACTIVE' and j.stale_since is"
            + " null and "
            + ONE_TIME
            + " limit ? for update of j skip locked) and stale_since is null returning id, type",
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
  public List<StaleMark> clearFreshJobs(Instant dueBefore, int limit) {
    return jdbc.query(
        "update kairos_job set stale_since = null where id in (select j.id from kairos_job j left"
            + " join scheduled_tasks t on t.task_name = j.type and t.task_instance = j.id where"
            + " j.stale_since is not null and (j.state <> 'ACTIVE' or ("
            + ONE_TIME
            + " and (t.picked or t.execution_time >= ?))) limit ?) returning id, type",
        STALE_MARK,
        Timestamp.from(dueBefore),
        limit);
  }

  /** Marks a job stale since now; false if it was marked already (it keeps its time). */
  public boolean markStale(String id) {
    return jdbc.update(
            "update kairos_job set stale_since = now() where id = ? and stale_since is null", id)
        == 1;
  }

  /** Clears the stale mark of jobs that are fresh again, in one statement. */
  public void clearStale(List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    jdbc.update(
        "update kairos_job set stale_since = null where id = any(?)",
        (Object) ids.toArray(String[]::new));
  }

  /** How many jobs are marked stale. */
  public int staleCount() {
    Integer count =
        jdbc.queryForObject(
            "select count(*) from kairos_job where stale_since is not null", Integer.class);
    return count == null ? 0 : count;
  }

  // --- Notifications --------------------------------------------------------------------------

  /** What a notification about a job says of it, and the targets the job named itself. */
  public record NotificationSubject(
      String id, String type, String group, List<NotifyTarget> notifyTargets) {}

  /** The job as a notification describes it, if it exists. */
  public Optional<NotificationSubject> notificationSubject(String id) {
    return jdbc
        .query(
            "select id, type, job_group, notify from kairos_job where id = ?",
            (rs, row) ->
                new NotificationSubject(
                    rs.getString("id"),
                    rs.getString("type"),
                    rs.getString("job_group"),
                    notifyTargets(rs.getString("notify"))),
            id)
        .stream()
        .findFirst();
  }

  /**
   * Records that the job's {@code event} is notified at {@code at}, unless the previous
   * notification of that job and event is less than {@code minInterval} older; false then (nothing
   * is changed). In the caller's transaction: a concurrent caller waits on the row until it ends.
   */
  public boolean markNotified(String jobId, JobEvent event, Instant at, Duration minInterval) {
    return jdbc.update(
            "insert into kairos_notified (job_id, event, last_at) values (?, ?, ?) on conflict"
                + " (job_id, event) do update set last_at = excluded.last_at where"
                + " kairos_notified.last_at <= excluded.last_at - make_interval(secs => ?)",
            jobId,
            event.name(),
            Timestamp.from(at),
            minInterval.toMillis() / 1000.0)
        == 1;
  }

  /** Forgets notification marks older than {@code retention}, up to {@code batchSize} of them. */
  public int pruneNotified(Duration retention, int batchSize) {
    return jdbc.update(
        "delete from kairos_notified where ctid = any(array(select ctid from kairos_notified where"
            + " last_at < now() - make_interval(secs => ?) limit ?))",
        retention.toSeconds(),
        batchSize);
  }

  // --- Housekeeping and metrics -----------------------------------------------------------------

  /**
   * Deletes up to {@code batchSize} finished one-time jobs (COMPLETED, MISSED) that finished more
   * than {@code retention} ago; returns how many.
   */
  public int pruneFinished(Duration retention, int batchSize) {
    return pruneInStates(List.of(JobState.COMPLETED, JobState.MISSED), retention, batchSize);
  }

  /**
   * Deletes up to {@code batchSize} dead and cancelled jobs that became so more than {@code
   * retention} ago; returns how many. Their history is pruned by age, as any other.
   */
  public int pruneDeadAndCancelled(Duration retention, int batchSize) {
    return pruneInStates(List.of(JobState.DEAD, JobState.CANCELLED), retention, batchSize);
  }

  private int pruneInStates(List<JobState> states, Duration retention, int batchSize) {
    String[] names = states.stream().map(JobState::name).toArray(String[]::new);
    return jdbc.update(
        "delete from kairos_job where id = any(array(select id from kairos_job where state ="
            + " any(?) and finished_at < now() - make_interval(secs => ?) limit ?))",
        ps -> {
          ps.setArray(1, ps.getConnection().createArrayOf("text", names));
          ps.setLong(2, retention.toSeconds());
          ps.setInt(3, batchSize);
        });
  }

  /** Executions due now that no worker has claimed, and how long the oldest has waited. */
  public record DueBacklog(long count, Duration oldestWait) {}

  public DueBacklog dueBacklog() {
    return jdbc.queryForObject(
        "select count(*) as n, coalesce(extract(epoch from now() - min(execution_time)) * 1000, 0)"
            + " as oldest from scheduled_tasks where not picked and execution_time <= now()",
        (rs, row) ->
            new DueBacklog(rs.getLong("n"), Duration.ofMillis((long) rs.getDouble("oldest"))));
  }

  private DeadJob mapDead(ResultSet rs, int row) throws SQLException {
    Number attempts = (Number) rs.getObject("attempts");
    return new DeadJob(
        rs.getString("id"),
        rs.getString("type"),
        rs.getString("job_group"),
        read(rs.getString("payload"), JsonNode.class),
        read(rs.getString("schedule"), ScheduleSpec.class),
        rs.getInt("max_attempts"),
        rs.getInt("priority"),
        attempts == null ? null : attempts.intValue(),
        rs.getString("last_error"),
        instant(rs, "finished_at"),
        instant(rs, "created_at"),
        rs.getString("created_by"));
  }

  /** A stored job as the definition it was created from. */
  private NewJob mapDefinition(ResultSet rs, int row) throws SQLException {
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
        notifyTargets(rs.getString("notify")));
  }

  private List<NotifyTarget> notifyTargets(String stored) {
    return stored == null ? List.of() : List.of(read(stored, NotifyTarget[].class));
  }

  private ScheduleSpec readOrNull(String schedule) {
    try {
      return schedule == null ? null : json.readValue(schedule, ScheduleSpec.class);
    } catch (JsonProcessingException | RuntimeException e) {
      return null;
    }
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
        grace(rs.getString("misfire_grace")),
        rs.getString("updated_by"),
        instant(rs, "stale_since"),
        rs.getInt("revision"),
        JobSource.valueOf(rs.getString("source")),
        rs.getBoolean("shadows_declaration"));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
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

  /** A stored misfire grace: null (the cluster's default), {@code none} or a duration. */
  private static Duration grace(String text) {
    return MisfirePolicy.NONE_TEXT.equals(text) ? MisfirePolicy.NONE : duration(text);
  }

  private byte[] writeTaskData(JobData data) {
    return taskData.serialize(data);
  }

  private JobData readTaskData(byte[] bytes) {
    return taskData.deserialize(JobData.class, bytes);
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
