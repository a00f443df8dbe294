package io.kairos.bench.cluster;

import io.kairos.schema.KairosSchema;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The benchmark's own statements on Kairos's job tables: many jobs copied from one the core created
 * (a hundred thousand in seconds), removing them again, and which worker holds a job's execution.
 * Not part of the runtime: no Kairos process runs these.
 */
public final class BenchJobStore {

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  public BenchJobStore(DataSource dataSource, KairosSchema schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
  }

  /**
   * Writes copies of job {@code templateId}, its row and its execution column for column, under the
   * ids {@code idPrefix} followed by {@code from} … {@code to - 1} zero-padded to nine digits: jobs
   * exactly as the core's {@code JobStore.create} wrote the template (task data from the one {@code
   * JsonSerializer}), one statement per table, in the caller's transaction. Returns how many jobs
   * were written.
   */
  public int writeCopies(String templateId, String idPrefix, int from, int to) {
    String job = columnsExcept("kairos_job", "id");
    String execution = columnsExcept("scheduled_tasks", "task_instance");
    int written =
        jdbc.update(
            schema.sql(
                "insert into kairos_job (id, "
                    + job
                    + ") select ? || lpad(g::text, 9, '0'), "
                    + qualified("t", job)
                    + " from kairos_job t cross join generate_series(?, ?) g where t.id = ?"),
            idPrefix,
            from,
            to - 1,
            templateId);
    jdbc.update(
        schema.sql(
            "insert into scheduled_tasks (task_instance, "
                + execution
                + ") select ? || lpad(g::text, 9, '0'), "
                + qualified("t", execution)
                + " from scheduled_tasks t join kairos_job j on j.type = t.task_name"
                + " and j.id = t.task_instance cross join generate_series(?, ?) g where j.id = ?"),
        idPrefix,
        from,
        to - 1,
        templateId);
    return written;
  }

  /** Removes the jobs whose id starts with {@code idPrefix} and their executions. */
  public void deleteStartingWith(String idPrefix) {
    jdbc.update(
        schema.sql(
            "with gone as (delete from kairos_job where id like ? escape '\\' returning id, type)"
                + " delete from scheduled_tasks t using gone where t.task_name = gone.type"
                + " and t.task_instance = gone.id"),
        idPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
  }

  /**
   * Adds history's day partitions for today (UTC, by the database's clock) and the {@code days}
   * days before, through the migration's own function, as housekeeping adds them: room for {@link
   * #writeHistory}'s rows of the last {@code days} days.
   */
  public void addHistoryDays(int days) {
    jdbc.queryForList(
        "select "
            + schema.name()
            + ".kairos_job_run_add_partition(((now() at time zone 'UTC')::date - d))"
            + " from generate_series(0, ?) d",
        Boolean.class,
        days);
  }

  /**
   * Writes history rows {@code from} … {@code to - 1} of a history in which job {@code idPrefix}
   * followed by {@code n / runsPerJob} (zero-padded to nine digits, as {@link #writeCopies} names
   * jobs) made attempts {@code n}: each job's attempts spread evenly over the {@code days} days up
   * to an hour ago, oldest first, one in fifty FAILED, in the columns a worker writes when an
   * attempt ends ({@code RunHistoryStore.recordFinished}). Returns how many rows were written.
   */
  public int writeHistory(String idPrefix, long from, long to, int runsPerJob, int days) {
    return jdbc.update(
        schema.sql(
            "insert into kairos_job_run (job_id, job_type, scheduled_for, started_at, finished_at,"
                + " node, attempt, outcome, error, detail, recovered, revision) select ? ||"
                + " lpad((g / ?)::text, 9, '0'), 'noop', t, t + interval '3 milliseconds', t +"
                + " interval '5 milliseconds', 'bench-w' || (g % 4), 1, case when g % 50 = 0 then"
                + " 'FAILED' else 'SUCCEEDED' end, case when g % 50 = 0 then 'bench failure' end,"
                + " null, false, 1 from (select g, now() - interval '1 hour' - (? - 1 - g % ?) *"
                + " (? * interval '1 day' - interval '2 hours') / ? - (g / ? % 3600) * interval '1"
                + " second' as t from generate_series(?::bigint, ?::bigint) g) s"),
        idPrefix,
        runsPerJob,
        runsPerJob,
        runsPerJob,
        days,
        runsPerJob,
        runsPerJob,
        from,
        to - 1);
  }

  /**
   * Disk bytes per job: {@code pg_total_relation_size} (table, indexes, TOAST) of the job registry
   * and of the executions, over the jobs.
   */
  public double bytesPerJob() {
    Double bytes =
        jdbc.queryForObject(
            schema.sql(
                "select (pg_total_relation_size(?::regclass) + pg_total_relation_size(?::regclass))"
                    + "::float8 / nullif((select count(*) from kairos_job), 0)"),
            Double.class,
            schema.table("kairos_job"),
            schema.table("scheduled_tasks"));
    return bytes == null ? Double.NaN : bytes;
  }

  /**
   * Disk bytes per history row: {@code pg_total_relation_size} of every partition of {@code
   * kairos_job_run}, over its rows.
   */
  public double bytesPerHistoryRow() {
    Double bytes =
        jdbc.queryForObject(
            "select sum(pg_total_relation_size(relid))::float8 from pg_partition_tree(?::regclass)",
            Double.class,
            schema.table("kairos_job_run"));
    Long rows = jdbc.queryForObject(schema.sql("select count(*) from kairos_job_run"), Long.class);
    return rows == null || rows == 0 || bytes == null ? Double.NaN : bytes / rows;
  }

  /** Which worker holds a job's execution now, if one does (from the claim, not from history). */
  public Optional<String> runningOn(String id) {
    return jdbc
        .queryForList(
            schema.sql("select picked_by from scheduled_tasks where task_instance = ? and picked"),
            String.class,
            id)
        .stream()
        .findFirst();
  }

  private String columnsExcept(String table, String column) {
    return String.join(
        ", ",
        jdbc.queryForList(
            "select column_name from information_schema.columns where table_schema = ?"
                + " and table_name = ? and column_name <> ?"
                + " and is_generated = 'NEVER' order by ordinal_position",
            String.class,
            schema.name(),
            table,
            column));
  }

  private static String qualified(String alias, String columns) {
    return alias + "." + columns.replace(", ", ", " + alias + ".");
  }
}
