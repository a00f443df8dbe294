package io.kairos.registry;

import io.kairos.job.JobRun;
import io.kairos.job.RunOutcome;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Job history: one row per attempt. Timestamps come from the database clock so runs recorded by
 * different workers order correctly even when their JVM clocks disagree.
 */
public final class RunHistory {

  public static final int MAX_ERROR_LENGTH = 4000;

  /**
   * The revision of the job an attempt belongs to, read in the statement that records it: a job is
   * replaced only while no worker holds its execution, so it cannot change under a started attempt.
   */
  private static final String REVISION =
      "coalesce((select j.revision from kairos_job j where j.id = ?), 1)";

  private final JdbcTemplate jdbc;

  public RunHistory(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /**
   * Records the start of an attempt, but only while this worker still holds the claim it was given
   * (same execution version, still picked by it). An execution that waited in a local queue may
   * have been declared dead and revived meanwhile; it must then not run here at all. Nor does it
   * start while the cluster is paused ({@code kairos_control}, owned by {@code ClusterSwitch}),
   * checked in this same statement, so no attempt starts after a pause has committed.
   *
   * @return the run id, or empty when the claim is no longer this worker's or the cluster is paused
   */
  public OptionalLong startIfClaimed(
      String jobId,
      String jobType,
      Instant scheduledFor,
      String node,
      int attempt,
      boolean recovered,
      long executionVersion) {
    List<Long> ids =
        jdbc.queryForList(
            "insert into kairos_job_run (job_id, job_type, scheduled_for, started_at, node,"
                + " attempt, outcome, recovered, revision) select ?, ?, ?, clock_timestamp(), ?,"
                + " ?, 'RUNNING', ?, "
                + REVISION
                + " where exists (select 1 from scheduled_tasks where task_name = ? and"
                + " task_instance = ? and version = ? and picked and picked_by = ?)"
                + " and not exists (select 1 from kairos_control where paused)"
                + " returning id",
            Long.class,
            jobId,
            jobType,
            Timestamp.from(scheduledFor),
            node,
            attempt,
            recovered,
            jobId,
            jobType,
            jobId,
            executionVersion,
            node);
    return ids.isEmpty() ? OptionalLong.empty() : OptionalLong.of(ids.get(0));
  }

  /** Records a one-time job found later than its misfire grace: it did not run. */
  public void recordMissed(
      String jobId, String jobType, Instant scheduledFor, String node, String reason) {
    jdbc.update(
        "insert into kairos_job_run (job_id, job_type, scheduled_for, started_at, finished_at,"
            + " node, attempt, outcome, error, revision) values (?, ?, ?, clock_timestamp(),"
            + " clock_timestamp(), ?, 1, 'MISSED', ?, "
            + REVISION
            + ")",
        jobId,
        jobType,
        Timestamp.from(scheduledFor),
        node,
        reason,
        jobId);
  }

  /** Records the start of an attempt unconditionally (tests, tools). */
  public long start(
      String jobId,
      String jobType,
      Instant scheduledFor,
      String node,
      int attempt,
      boolean recovered) {
    return jdbc.queryForObject(
        "insert into kairos_job_run (job_id, job_type, scheduled_for, started_at, node, attempt,"
            + " outcome, recovered, revision) values (?, ?, ?, clock_timestamp(), ?, ?,"
            + " 'RUNNING', ?, "
            + REVISION
            + ") returning id",
        Long.class,
        jobId,
        jobType,
        Timestamp.from(scheduledFor),
        node,
        attempt,
        recovered,
        jobId);
  }

  /** Finishes a RUNNING attempt; false if it was already finished (e.g. declared dead). */
  public boolean finish(long runId, RunOutcome outcome, String error) {
    return finish(runId, outcome, error, null);
  }

  /** Finishes a RUNNING attempt with the handler's note; false if it was already finished. */
  public boolean finish(long runId, RunOutcome outcome, String error, String detail) {
    return jdbc.update(
            "update kairos_job_run set outcome = ?, error = ?, detail = ?,"
                + " finished_at = clock_timestamp() where id = ? and outcome = 'RUNNING'",
            outcome.name(),
            truncate(error),
            detail,
            runId)
        == 1;
  }

  /** Closes the attempts a dead worker left RUNNING for this job. */
  public int markWorkerDied(String jobId, String node) {
    return jdbc.update(
        "update kairos_job_run set outcome = 'WORKER_DIED', finished_at = clock_timestamp(),"
            + " error = ? where job_id = ? and node = ? and outcome = 'RUNNING'",
        "worker " + node + " stopped heartbeating; execution revived",
        jobId,
        node);
  }

  /**
   * When the job's current occurrence was first due: the scheduled time of its latest first attempt
   * (retries are rescheduled later, revivals keep the time of the attempt they replace). {@code
   * fallback} if history has no first attempt (pruned).
   */
  public Instant occurrenceOf(String jobId, Instant fallback) {
    List<Timestamp> first =
        jdbc.queryForList(
            "select scheduled_for from kairos_job_run where job_id = ? and attempt = 1"
                + " order by id desc limit 1",
            Timestamp.class,
            jobId);
    return first.isEmpty() ? fallback : first.get(0).toInstant();
  }

  /** Attempts of a job, oldest first, after the run id {@code afterId} (keyset pagination). */
  public List<JobRun> runsOf(String jobId, long afterId, int limit) {
    return jdbc.query(
        "select * from kairos_job_run where job_id = ? and id > ? order by id limit ?",
        RunHistory::map,
        jobId,
        afterId,
        limit);
  }

  /** The latest attempt of a job, if it ever ran. */
  public java.util.Optional<JobRun> lastRunOf(String jobId) {
    return jdbc
        .query(
            "select * from kairos_job_run where job_id = ? order by id desc limit 1",
            RunHistory::map,
            jobId)
        .stream()
        .findFirst();
  }

  /** The latest attempt of each of these jobs that ever ran, in one query. */
  public List<JobRun> lastRunsOf(List<String> jobIds) {
    if (jobIds.isEmpty()) {
      return List.of();
    }
    return jdbc.query(
        "select distinct on (job_id) * from kairos_job_run where job_id = any(?)"
            + " order by job_id, id desc",
        ps -> ps.setArray(1, ps.getConnection().createArrayOf("text", jobIds.toArray())),
        RunHistory::map);
  }

  /**
   * Deletes up to {@code batchSize} attempts that finished more than {@code retention} ago, except
   * those of dead jobs (kept with them until they are requeued or deleted); returns how many.
   */
  public int pruneFinished(Duration retention, int batchSize) {
    return jdbc.update(
        "delete from kairos_job_run where id = any(array(select id from kairos_job_run where"
            + " finished_at < now() - make_interval(secs => ?) and not exists (select 1 from"
            + " kairos_job j where j.id = kairos_job_run.job_id and j.state = 'DEAD') limit ?))",
        retention.toSeconds(),
        batchSize);
  }

  /** How many first attempts jobs whose id starts with {@code idPrefix} have made. */
  public int countFirstAttempts(String idPrefix) {
    Integer n =
        jdbc.queryForObject(
            "select count(*) from kairos_job_run where job_id like ? and attempt = 1",
            Integer.class,
            likePrefix(idPrefix));
    return n == null ? 0 : n;
  }

  /**
   * The first attempt of each job whose id starts with {@code idPrefix}, with when its job was
   * created (the creating transaction's start), in the order they started: what firing delay is
   * measured from.
   */
  public List<FirstAttempt> firstAttempts(String idPrefix) {
    return jdbc.query(
        "select r.scheduled_for, r.started_at, j.created_at, r.job_id, r.node"
            + " from kairos_job_run r join kairos_job j on j.id = r.job_id"
            + " where r.job_id like ? and r.attempt = 1 order by r.id",
        (rs, row) ->
            new FirstAttempt(
                JobRegistry.instant(rs, "scheduled_for"),
                JobRegistry.instant(rs, "started_at"),
                JobRegistry.instant(rs, "created_at"),
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
        JobRegistry.instant(rs, "scheduled_for"),
        JobRegistry.instant(rs, "started_at"),
        JobRegistry.instant(rs, "finished_at"),
        RunOutcome.valueOf(rs.getString("outcome")),
        rs.getString("error"),
        rs.getBoolean("recovered"),
        rs.getString("detail"),
        rs.getInt("revision"));
  }
}
