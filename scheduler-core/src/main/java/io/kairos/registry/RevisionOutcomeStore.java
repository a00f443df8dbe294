package io.kairos.registry;

import io.kairos.job.Job;
import io.kairos.schema.KairosSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The outcome of a job's revision as its history tells it (last success, last failure, failed
 * attempts since the last success), for the jobs whose row does not carry it: neither an execution
 * nor a pause holds it (a dead job, a job that has not run yet). One read per 100 jobs of a page,
 * apart from the page's own statement: folded into it as correlated subqueries, the fallback made
 * every page plan cost enough for PostgreSQL to compile it (JIT) and to plan each subquery over
 * every day partition of {@code kairos_job_run}, seconds a page with millions of history rows.
 */
final class RevisionOutcomeStore {

  /**
   * Jobs per statement. A statement's estimated cost grows with its jobs (about 600 units each, two
   * index scans on every day partition); at 100 it stays below PostgreSQL's default {@code
   * jit_above_cost} (100,000), past which each call would spend longer compiling than running.
   */
  static final int JOBS_PER_READ = 100;

  private static final String FAILED = "outcome not in ('SUCCEEDED', 'RUNNING', 'MISSED')";

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  RevisionOutcomeStore(JdbcTemplate jdbc, KairosSchema schema) {
    this.jdbc = jdbc;
    this.schema = schema;
  }

  /** The jobs read, each with the outcome history gives where its row had none; in order. */
  List<Job> complete(List<JobRows.Read> read) {
    List<JobRows.Read> incomplete = read.stream().filter(JobRows.Read::outcomeMissing).toList();
    if (incomplete.isEmpty()) {
      return read.stream().map(JobRows.Read::job).toList();
    }
    Map<String, Outcome> fromHistory = new HashMap<>();
    for (int from = 0; from < incomplete.size(); from += JOBS_PER_READ) {
      fromHistory.putAll(
          outcomesOf(incomplete.subList(from, Math.min(from + JOBS_PER_READ, incomplete.size()))));
    }
    List<Job> jobs = new ArrayList<>(read.size());
    for (JobRows.Read one : read) {
      Outcome outcome = fromHistory.get(one.job().id());
      jobs.add(one.outcomeMissing() ? one.completedBy(outcome) : one.job());
    }
    return jobs;
  }

  /**
   * Each job's revision's outcome, by job id (nulls and 0 for a job without runs of its revision).
   * Every run of the revision is read, through each day partition's index on {@code (job_id, id)},
   * as the fallback always did: the jobs that need it have few.
   */
  private Map<String, Outcome> outcomesOf(List<JobRows.Read> jobs) {
    Map<String, Outcome> outcomes = new HashMap<>();
    jdbc.query(
        schema.sql(
            // Per job (lateral aggregates are not flattened): its own index scans, whatever plan
            // the statement gets; a join of the whole list could hash a scan of all history.
            "select wanted.id as job_id, outcome.last_success, outcome.last_failure,"
                + " failures.consecutive_failures from unnest(?::text[], ?::int[])"
                + " as wanted(id, revision) cross join lateral (select max(r.finished_at) filter"
                + " (where r.outcome = 'SUCCEEDED') as last_success, max(r.finished_at) filter"
                + " (where r."
                + FAILED
                + ") as last_failure, max(r.id) filter (where r.outcome = 'SUCCEEDED')"
                + " as last_success_id from kairos_job_run r where r.job_id = wanted.id"
                + " and r.revision = wanted.revision) as outcome cross join lateral (select"
                + " count(*) as consecutive_failures from kairos_job_run r where r.job_id ="
                + " wanted.id and r.revision = wanted.revision and r."
                + FAILED
                + " and r.id > coalesce(outcome.last_success_id, 0)) as failures"),
        ps -> {
          ps.setArray(
              1,
              ps.getConnection()
                  .createArrayOf("text", JobRows.column(jobs, one -> one.job().id())));
          ps.setArray(
              2,
              ps.getConnection()
                  .createArrayOf("int4", JobRows.column(jobs, one -> one.job().revision())));
        },
        (RowCallbackHandler)
            rs ->
                outcomes.put(
                    rs.getString("job_id"),
                    new Outcome(
                        JobRows.instant(rs, "last_success"),
                        JobRows.instant(rs, "last_failure"),
                        rs.getInt("consecutive_failures"))));
    return outcomes;
  }

  /** What a revision's history says of it. */
  record Outcome(Instant lastSuccess, Instant lastFailure, int consecutiveFailures) {}
}
