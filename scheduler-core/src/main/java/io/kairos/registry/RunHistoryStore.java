package io.kairos.registry;

import io.kairos.job.JobRun;
import io.kairos.job.Progress;
import io.kairos.job.RunOutcome;
import io.kairos.schema.KairosSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Job history ({@code kairos_job_run}): one row per attempt, written when it ends. Timestamps come
 * from the database clock so runs recorded by different workers order correctly even when their JVM
 * clocks disagree.
 */
public final class RunHistoryStore {

  public static final int MAX_ERROR_LENGTH = 4000;

  /**
   * The revision of the job an attempt belongs to, read in the statement that records it: a job is
   * replaced only while no worker holds its execution, and an attempt is recorded while its worker
   * does (or, for a dead worker's, before its execution is freed), so it is the revision that ran.
   */
  private static final String REVISION =
      "coalesce((select j.revision from kairos_job j where j.id = ?), 1)";

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  public RunHistoryStore(DataSource dataSource, KairosSchema schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
  }

  /**
   * One finished attempt as a worker records it at completion. There is no row while an attempt
   * runs (the claim in {@code scheduled_tasks} shows it running); the row is written whole, in the
   * transaction that ends the execution.
   *
   * @param startedAt when the attempt began, on the worker's database clock
   */
  public record FinishedAttempt(
      String jobId,
      String jobType,
      Instant scheduledFor,
      Instant startedAt,
      String node,
      int attempt,
      boolean recovered,
      RunOutcome outcome,
      String error,
      String detail,
      Progress progress) {

    /** An attempt that reported no progress. */
    public FinishedAttempt(
        String jobId,
        String jobType,
        Instant scheduledFor,
        Instant startedAt,
        String node,
        int attempt,
        boolean recovered,
        RunOutcome outcome,
        String error,
        String detail) {
      this(
          jobId,
          jobType,
          scheduledFor,
          startedAt,
          node,
          attempt,
          recovered,
          outcome,
          error,
          detail,
          null);
    }
  }

  /** Records finished attempts in one statement; {@code finished_at} is the database's now. */
  public void recordFinished(List<FinishedAttempt> attempts) {
    if (attempts.isEmpty()) {
      return;
    }
    jdbc.update(
        schema.sql(
            "insert into kairos_job_run (job_id, job_type, scheduled_for, started_at, finished_at,"
                + " node, attempt, outcome, error, detail, recovered, revision, progress_done,"
                + " progress_total, progress_message) select x.job_id, x.job_type,"
                + " x.scheduled_for, x.started_at, clock_timestamp(), x.node, x.attempt,"
                + " x.outcome, x.error, x.detail, x.recovered, coalesce((select j.revision from"
                + " kairos_job j where j.id = x.job_id), 1), x.progress_done, x.progress_total,"
                + " x.progress_message from unnest(?::text[], ?::text[], ?::timestamptz[],"
                + " ?::timestamptz[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[],"
                + " ?::boolean[], ?::bigint[], ?::bigint[], ?::text[]) with ordinality as"
                + " x(job_id, job_type, scheduled_for, started_at, node, attempt, outcome, error,"
                + " detail, recovered, progress_done, progress_total, progress_message, n) order"
                + " by x.n"),
        ps -> {
          Connection c = ps.getConnection();
          ps.setArray(1, c.createArrayOf("text", column(attempts, FinishedAttempt::jobId)));
          ps.setArray(2, c.createArrayOf("text", column(attempts, FinishedAttempt::jobType)));
          ps.setArray(
              3, c.createArrayOf("text", column(attempts, a -> a.scheduledFor().toString())));
          ps.setArray(4, c.createArrayOf("text", column(attempts, a -> a.startedAt().toString())));
          ps.setArray(5, c.createArrayOf("text", column(attempts, FinishedAttempt::node)));
          ps.setArray(6, c.createArrayOf("int4", column(attempts, FinishedAttempt::attempt)));
          ps.setArray(7, c.createArrayOf("text", column(attempts, a -> a.outcome().name())));
          ps.setArray(8, c.createArrayOf("text", column(attempts, a -> truncate(a.error()))));
          ps.setArray(9, c.createArrayOf("text", column(attempts, FinishedAttempt::detail)));
          ps.setArray(10, c.createArrayOf("bool", column(attempts, FinishedAttempt::recovered)));
          ps.setArray(
              11,
              c.createArrayOf(
                  "int8",
                  column(attempts, a -> a.progress() == null ? null : a.progress().done())));
          ps.setArray(
              12,
              c.createArrayOf(
                  "int8",
                  column(attempts, a -> a.progress() == null ? null : a.progress().total())));
          ps.setArray(
              13,
              c.createArrayOf(
                  "text",
                  column(attempts, a -> a.progress() == null ? null : a.progress().message())));
        });
  }

  /**
   * Records an attempt whose result was dropped because its claim was lost before completion, as
   * WORKER_DIED — unless the worker that took the execution over already recorded this attempt
   * (revival writes it), so an attempt has one row either way.
   */
  public void recordClaimLost(FinishedAttempt attempt) {
    jdbc.update(
        schema.sql(
            "insert into kairos_job_run (job_id, job_type, scheduled_for, started_at, finished_at,"
                + " node, attempt, outcome, error, recovered, revision) select ?, ?, ?, ?,"
                + " clock_timestamp(), ?, ?, 'WORKER_DIED', ?, ?, "
                + REVISION
                + " where not exists (select 1 from kairos_job_run where job_id = ? and attempt = ?"
                + " and node = ? and scheduled_for = ?)"),
        attempt.jobId(),
        attempt.jobType(),
        Timestamp.from(attempt.scheduledFor()),
        Timestamp.from(attempt.startedAt()),
        attempt.node(),
        attempt.attempt(),
        "claim lost before completion; result dropped",
        attempt.recovered(),
        attempt.jobId(),
        attempt.jobId(),
        attempt.attempt(),
        attempt.node(),
        Timestamp.from(attempt.scheduledFor()));
  }

  /** Records a one-time job found later than its misfire grace: it did not run. */
  public void recordMissed(
      String jobId, String jobType, Instant scheduledFor, String node, String reason) {
    jdbc.update(
        schema.sql(
            "insert into kairos_job_run (job_id, job_type, scheduled_for, started_at, finished_at,"
                + " node, attempt, outcome, error, revision) values (?, ?, ?, clock_timestamp(),"
                + " clock_timestamp(), ?, 1, 'MISSED', ?, "
                + REVISION
                + ")"),
        jobId,
        jobType,
        Timestamp.from(scheduledFor),
        node,
        reason,
        jobId);
  }

  /**
   * Records the attempt a dead worker was running as WORKER_DIED, from its execution: when it was
   * due, the worker that had picked it, the attempt number and recovered flag of its task data.
   * When it really started is unknown (nothing is written at a start), so {@code started_at} is
   * {@code lastSeen}: the execution's last heartbeat, the last moment the dead worker is known to
   * have held it. A row a worker of an earlier version left RUNNING for it is closed instead.
   */
  public void recordWorkerDied(
      String jobId,
      String jobType,
      Instant scheduledFor,
      String node,
      int attempt,
      boolean recovered,
      Instant lastSeen) {
    String error = "worker " + node + " stopped heartbeating; execution revived";
    jdbc.update(
        schema.sql(
            "with closed as (update kairos_job_run set outcome = 'WORKER_DIED', finished_at ="
                + " clock_timestamp(), error = ? where job_id = ? and node = ? and outcome = 'RUNNING'"
                + " returning id) insert into kairos_job_run (job_id, job_type, scheduled_for,"
                + " started_at, finished_at, node, attempt, outcome, error, recovered, revision)"
                + " select ?, ?, ?, coalesce(?::timestamptz, clock_timestamp()), clock_timestamp(), ?,"
                + " ?, 'WORKER_DIED', ?, ?, "
                + REVISION
                + " where not exists (select 1 from closed)"),
        error,
        jobId,
        node,
        jobId,
        jobType,
        Timestamp.from(scheduledFor),
        lastSeen == null ? null : Timestamp.from(lastSeen),
        node,
        attempt,
        error,
        recovered,
        jobId);
  }

  /**
   * When the job's current occurrence was first due: the scheduled time of its latest first attempt
   * (retries are rescheduled later, revivals keep the time of the attempt they replace). {@code
   * fallback} if history has no first attempt (pruned).
   */
  public Instant occurrenceOf(String jobId, Instant fallback) {
    List<Timestamp> first =
        jdbc.queryForList(
            schema.sql(
                "select scheduled_for from kairos_job_run where job_id = ? and attempt = 1"
                    + " order by id desc limit 1"),
            Timestamp.class,
            jobId);
    return first.isEmpty() ? fallback : first.get(0).toInstant();
  }

  /** Attempts of a job, oldest first, after the run id {@code afterId} (keyset pagination). */
  public List<JobRun> runsOf(String jobId, long afterId, int limit) {
    return jdbc.query(
        schema.sql("select * from kairos_job_run where job_id = ? and id > ? order by id limit ?"),
        RunHistoryStore::map,
        jobId,
        afterId,
        limit);
  }

  /**
   * Attempts of a job, newest first, before the run id {@code beforeId} (keyset pagination; {@link
   * Long#MAX_VALUE} for the first page): a job running every second shows its latest runs first.
   */
  public List<JobRun> runsOfNewestFirst(String jobId, long beforeId, int limit) {
    return jdbc.query(
        schema.sql(
            "select * from kairos_job_run where job_id = ? and id < ? order by id desc limit ?"),
        RunHistoryStore::map,
        jobId,
        beforeId,
        limit);
  }

  /** The latest attempt of a job, if it ever ran. */
  public java.util.Optional<JobRun> lastRunOf(String jobId) {
    return jdbc
        .query(
            schema.sql("select * from kairos_job_run where job_id = ? order by id desc limit 1"),
            RunHistoryStore::map,
            jobId)
        .stream()
        .findFirst();
  }

  /**
   * The latest attempt of each of these jobs that ever ran, in one query, by job id. Each job reads
   * one row from each day partition's index on {@code (job_id, id)}, newest first, however many
   * attempts it has made.
   */
  public List<JobRun> lastRunsOf(List<String> jobIds) {
    if (jobIds.isEmpty()) {
      return List.of();
    }
    return jdbc.query(
        schema.sql(
            "select last.* from unnest(?::text[]) as wanted(id) cross join lateral (select *"
                + " from kairos_job_run r where r.job_id = wanted.id order by r.id desc limit 1)"
                + " as last order by last.job_id"),
        ps -> ps.setArray(1, ps.getConnection().createArrayOf("text", jobIds.toArray())),
        RunHistoryStore::map);
  }

  /** How many first attempts jobs whose id starts with {@code idPrefix} have made. */
  public int countFirstAttempts(String idPrefix) {
    Integer n =
        jdbc.queryForObject(
            schema.sql("select count(*) from kairos_job_run where job_id like ? and attempt = 1"),
            Integer.class,
            likePrefix(idPrefix));
    return n == null ? 0 : n;
  }

  /** How many first attempts of jobs whose id starts with {@code idPrefix} each node ran. */
  public Map<String, Integer> firstAttemptsByNode(String idPrefix) {
    Map<String, Integer> byNode = new java.util.TreeMap<>();
    jdbc.query(
        schema.sql(
            "select node, count(*) from kairos_job_run where job_id like ? and attempt = 1"
                + " group by node"),
        (org.springframework.jdbc.core.RowCallbackHandler)
            rs -> byNode.put(rs.getString(1), rs.getInt(2)),
        likePrefix(idPrefix));
    return byNode;
  }

  /**
   * The first attempt of each job whose id starts with {@code idPrefix}, with when its job was
   * created (the creating transaction's start), in the order they started: what firing delay is
   * measured from.
   */
  public List<FirstAttempt> firstAttempts(String idPrefix) {
    return jdbc.query(
        schema.sql(
            "select r.scheduled_for, r.started_at, j.created_at, r.job_id, r.node"
                + " from kairos_job_run r join kairos_job j on j.id = r.job_id"
                + " where r.job_id like ? and r.attempt = 1 order by r.id"),
        (rs, row) ->
            new FirstAttempt(
                JobRows.instant(rs, "scheduled_for"),
                JobRows.instant(rs, "started_at"),
                JobRows.instant(rs, "created_at"),
                rs.getString("job_id"),
                rs.getString("node")),
        likePrefix(idPrefix));
  }

  /** A job's first attempt, and when the job was created. */
  public record FirstAttempt(
      Instant scheduledFor, Instant startedAt, Instant jobCreatedAt, String jobId, String node) {}

  private static String likePrefix(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  private static <T, V> Object[] column(List<T> rows, java.util.function.Function<T, V> value) {
    return JobRows.column(rows, value);
  }

  public static String truncate(String error) {
    if (error == null || error.length() <= MAX_ERROR_LENGTH) {
      return error;
    }
    return error.substring(0, MAX_ERROR_LENGTH - 1) + "…";
  }

  private static JobRun map(ResultSet rs, int row) throws SQLException {
    return new JobRun(
        rs.getLong("id"),
        rs.getString("job_id"),
        rs.getString("job_type"),
        rs.getInt("attempt"),
        rs.getString("node"),
        JobRows.instant(rs, "scheduled_for"),
        JobRows.instant(rs, "started_at"),
        JobRows.instant(rs, "finished_at"),
        RunOutcome.valueOf(rs.getString("outcome")),
        rs.getString("error"),
        rs.getBoolean("recovered"),
        rs.getString("detail"),
        rs.getInt("revision"),
        progress(rs));
  }

  private static Progress progress(ResultSet rs) throws SQLException {
    long done = rs.getLong("progress_done");
    if (rs.wasNull()) {
      return null;
    }
    long total = rs.getLong("progress_total");
    return new Progress(done, rs.wasNull() ? null : total, rs.getString("progress_message"));
  }
}
