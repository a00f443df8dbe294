package io.kairos.registry;

import io.kairos.catalogue.SealedJob;
import io.kairos.job.Job;
import io.kairos.job.JobFilter;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.MisfirePolicy;
import io.kairos.job.NewJob;
import io.kairos.schema.KairosSchema;
import io.kairos.tracing.JobTraceContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The jobs themselves: the one creation path ({@link #create}, {@link #createAll}: the row and its
 * first execution), replacement, removal, and reading them (find, list, the creator's live usage).
 * Writes run in the caller's transaction, so a job row and its execution change together or not at
 * all. The statements of each feature that changes a job otherwise (control, dead jobs,
 * declarations, completions, stale marks, notifications, prunes) are in that feature's own store.
 *
 * <p>Jobs come into being along one path, {@link #create}, whoever asks (the API, declared jobs,
 * follow-ups, notifications): the row and its first execution, whose task data ({@link
 * NewJob#firstData()}) is written by the one shared serializer ({@link JobTables}). Every statement
 * that changes or removes an execution is conditioned on {@code not picked} in that same statement,
 * and touches {@code scheduled_tasks} before {@code kairos_job}, the order a worker's completion
 * uses, so the two cannot deadlock.
 */
public final class JobStore {

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;
  private final JobTables tables;
  private final JobRows rows;
  private final RevisionOutcomeStore outcomes;

  public JobStore(JobTables tables) {
    this.jdbc = new JdbcTemplate(tables.dataSource());
    this.schema = tables.schema();
    this.outcomes = new RevisionOutcomeStore(jdbc, schema);
    this.tables = tables;
    this.rows = tables.rows();
  }

  /**
   * Creates a job: its row and its first execution, in the caller's transaction. False when a job
   * with this id already exists (nothing is changed then).
   */
  public boolean create(SealedJob job, JobSource source) {
    return !createAll(List.of(job), source).isEmpty();
  }

  /**
   * Creates many jobs at once, in the caller's transaction: one statement inserts their rows, one
   * JDBC batch their first executions. Returns the ids it created; an id that already exists is
   * left alone, as {@link #create} leaves it. Ids must be distinct. Rows are inserted in id order,
   * so two overlapping batches wait for each other instead of deadlocking.
   */
  public Set<String> createAll(List<SealedJob> jobs, JobSource source) {
    if (jobs.isEmpty()) {
      return Set.of();
    }
    List<SealedJob> sorted = new ArrayList<>(jobs);
    sorted.sort(java.util.Comparator.comparing(SealedJob::id));
    Set<String> created =
        new HashSet<>(insertAll(sorted.stream().map(SealedJob::job).toList(), source));
    List<SealedJob> fresh = sorted.stream().filter(job -> created.contains(job.id())).toList();
    tables.scheduleFirst(fresh);
    return created;
  }

  /**
   * Creates one job in one statement: its row and its first execution together, so it needs no
   * transaction of its own (outside one it commits by itself; inside one it joins it). Empty when
   * the id is taken (nothing is written then). The job is returned as stored, built from what was
   * written rather than read back: a new job is scheduled, has run nothing and has revision 1. The
   * execution is the row db-scheduler's own insert writes (same columns, task data from the one
   * serializer); a leftover execution of this id fails the statement, row and all.
   */
  public Optional<Job> createAlone(SealedJob sealed, JobSource source) {
    NewJob job = sealed.job();
    // Whole microseconds, as PostgreSQL keeps them, so the job returned is the job stored.
    Instant due =
        job.schedule().firstExecution(tables.clock().now()).truncatedTo(ChronoUnit.MICROS);
    List<Instant> createdAt =
        jdbc.query(
            schema.sql(
                "with created as (insert into kairos_job (type, job_group, payload, schedule,"
                    + " max_attempts, priority, request_hash, timeout, misfire_grace, notify,"
                    + " concurrency_key, id, state, created_by, updated_by, source) values (?, ?,"
                    + " ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, 'ACTIVE', ?, ?, ?) on"
                    + " conflict (id) do nothing"
                    + " returning id, created_at), execution as (insert into scheduled_tasks"
                    + " (task_name, task_instance, task_data, execution_time, picked, version,"
                    + " priority) select ?, id, ?, ?, false, 1, ? from created returning 1)"
                    + " select created_at from created"),
            (rs, row) -> JobRows.instant(rs, "created_at"),
            rows.definitionAnd(
                sealed,
                job.id(),
                job.createdBy(),
                job.createdBy(),
                source.name(),
                job.type(),
                rows.writeTaskData(job.firstData().withTraceParent(JobTraceContext.current())),
                JobRows.timestamp(due),
                job.priority()));
    if (createdAt.isEmpty()) {
      return Optional.empty();
    }
    Instant at = createdAt.get(0);
    return Optional.of(
        new Job(
            job.id(),
            job.type(),
            job.group(),
            job.payload(),
            job.schedule(),
            job.maxAttempts(),
            job.priority(),
            job.requestHash(),
            JobState.SCHEDULED,
            due,
            null,
            null,
            null,
            null,
            0,
            null,
            at,
            job.createdBy(),
            at,
            null,
            job.timeout(),
            job.misfireGrace(),
            job.createdBy(),
            null,
            1,
            source,
            false,
            job.concurrencyKey()));
  }

  /** What {@link #replace} did. */
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
  public Replaced replace(SealedJob sealed) {
    if (create(sealed, JobSource.API)) {
      return Replaced.CREATED;
    }
    NewJob job = sealed.job();
    List<Map<String, Object>> found =
        jdbc.queryForList(
            schema.sql("select type, state, request_hash, source from kairos_job where id = ?"),
            job.id());
    if (found.isEmpty()) {
      return Replaced.CHANGED_MEANWHILE; // deleted since the insert found it
    }
    Map<String, Object> current = found.get(0);
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
            schema.sql(
                "update kairos_job set "
                    + JobRows.DEFINITION
                    + ", state = 'ACTIVE', revision = revision + 1, last_error = null, finished_at ="
                    + " null, stale_since = null, paused_execution_time = null, paused_task_data ="
                    + " null, paused_last_success = null, paused_last_failure = null,"
                    + " paused_consecutive_failures = null, created_at = now(), created_by = ?,"
                    + " updated_at = now(), updated_by = ? where id = ? and state = ? and"
                    + " request_hash = ? and source = 'API'"),
            rows.definitionAnd(
                sealed, job.createdBy(), job.createdBy(), job.id(), current.get("state"), hash));
    if (written == 0) {
      return Replaced.CHANGED_MEANWHILE;
    }
    tables.scheduleFirst(sealed, job.schedule().firstExecution(tables.clock().now()));
    return Replaced.REPLACED;
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
            schema.sql(
                "delete from scheduled_tasks where task_name = ? and task_instance = ? and not picked"),
            type,
            id)
        == 1) {
      return Dropped.DROPPED;
    }
    Integer running =
        jdbc.queryForObject(
            schema.sql(
                "select count(*) from scheduled_tasks where task_name = ? and task_instance = ?"),
            Integer.class,
            type,
            id);
    return running != null && running > 0 ? Dropped.RUNNING : Dropped.NONE;
  }

  /** Removes a job's registry row; its history stays. */
  public void delete(String id) {
    jdbc.update(schema.sql("delete from kairos_job where id = ?"), id);
  }

  /** Inserts the rows of jobs not there yet, in one statement; the ids inserted. */
  private List<String> insertAll(List<NewJob> jobs, JobSource source) {
    return jdbc.execute(
        (Connection c) -> {
          try (var ps =
              c.prepareStatement(
                  schema.sql(
                      "insert into kairos_job (type, job_group, payload, schedule, max_attempts,"
                          + " priority, request_hash, timeout, misfire_grace, notify, id, state,"
                          + " created_by, updated_by, source, concurrency_key) select t.type,"
                          + " t.job_group, t.payload::jsonb, t.schedule::jsonb, t.max_attempts,"
                          + " t.priority, t.request_hash, t.timeout, t.misfire_grace,"
                          + " t.notify::jsonb, t.id, 'ACTIVE', t.created_by, t.created_by, ?,"
                          + " t.concurrency_key from unnest(?::text[], ?::text[], ?::text[],"
                          + " ?::text[], ?::int4[], ?::int4[], ?::text[], ?::text[], ?::text[],"
                          + " ?::text[], ?::text[], ?::text[], ?::text[]) with ordinality as"
                          + " t(type, job_group, payload, schedule, max_attempts, priority,"
                          + " request_hash, timeout, misfire_grace, notify, id, created_by,"
                          + " concurrency_key, n)"
                          + " order by t.n on conflict (id) do nothing returning id"))) {
            ps.setString(1, source.name());
            ps.setArray(2, c.createArrayOf("text", JobRows.column(jobs, NewJob::type)));
            ps.setArray(3, c.createArrayOf("text", JobRows.column(jobs, NewJob::group)));
            ps.setArray(
                4, c.createArrayOf("text", JobRows.column(jobs, j -> rows.write(j.payload()))));
            ps.setArray(
                5, c.createArrayOf("text", JobRows.column(jobs, j -> rows.write(j.schedule()))));
            ps.setArray(6, c.createArrayOf("int4", JobRows.column(jobs, NewJob::maxAttempts)));
            ps.setArray(7, c.createArrayOf("int4", JobRows.column(jobs, NewJob::priority)));
            ps.setArray(8, c.createArrayOf("text", JobRows.column(jobs, NewJob::requestHash)));
            ps.setArray(
                9, c.createArrayOf("text", JobRows.column(jobs, j -> JobRows.text(j.timeout()))));
            ps.setArray(
                10,
                c.createArrayOf(
                    "text", JobRows.column(jobs, j -> MisfirePolicy.text(j.misfireGrace()))));
            ps.setArray(
                11,
                c.createArrayOf(
                    "text",
                    JobRows.column(
                        jobs,
                        j -> j.notifyTargets().isEmpty() ? null : rows.write(j.notifyTargets()))));
            ps.setArray(12, c.createArrayOf("text", JobRows.column(jobs, NewJob::id)));
            ps.setArray(13, c.createArrayOf("text", JobRows.column(jobs, NewJob::createdBy)));
            ps.setArray(14, c.createArrayOf("text", JobRows.column(jobs, NewJob::concurrencyKey)));
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

  public Optional<Job> find(String id) {
    return outcomes
        .complete(jdbc.query(schema.sql(JobRows.SELECT + "where j.id = ?"), rows::read, id))
        .stream()
        .findFirst();
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
        outcomes.complete(
            jdbc.query(
                schema.sql(
                    "select found.* from unnest(?::text[]) as wanted(id) cross join lateral ("
                        + JobRows.SELECT
                        + "where j.id = wanted.id offset 0) as found"), // offset 0: not flattened
                rows::read,
                (Object) ids.toArray(String[]::new)))) {
      found.put(job.id(), job);
    }
    return found;
  }

  /**
   * One page of jobs in id order, after {@code afterId} (keyset pagination: each page is one index
   * range scan, however deep, and stays stable while jobs are added). The page's jobs whose row
   * lacks their outcome take it from history in one more read, whatever the history's size.
   */
  public List<Job> list(JobFilter filter, String afterId, int limit) {
    StringBuilder sql = new StringBuilder(schema.sql(JobRows.SELECT)).append("where j.id > ?");
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
    return outcomes.complete(jdbc.query(sql.toString(), rows::read, args.toArray()));
  }

  /** True when a job with this id exists, in any state. */
  public boolean exists(String id) {
    Integer n =
        jdbc.queryForObject(
            schema.sql("select count(*) from kairos_job where id = ?"), Integer.class, id);
    return n != null && n > 0;
  }

  /** Those of {@code ids} that some job has, in any state; one read. */
  public Set<String> existing(java.util.Collection<String> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.queryForList(
            schema.sql("select id from kairos_job where id = any(?)"),
            String.class,
            (Object) ids.toArray(String[]::new)));
  }

  /** The jobs one creator has that are not final, and the total size of their payloads. */
  public record LiveUsage(long jobs, long payloadBytes) {}

  /**
   * How many jobs {@code createdBy} created that are not final (ACTIVE or PAUSED), and the bytes of
   * their payloads as stored JSON text; one scan of the partial index on live jobs by creator.
   */
  public LiveUsage liveUsageOf(String createdBy) {
    return jdbc.queryForObject(
        schema.sql(
            "select count(*), coalesce(sum(octet_length(payload::text)), 0) from kairos_job where"
                + " created_by = ? and state in ('ACTIVE', 'PAUSED')"),
        (rs, row) -> new LiveUsage(rs.getLong(1), rs.getLong(2)),
        createdBy);
  }
}
