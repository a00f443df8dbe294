package io.kairos.bench.scale;

import io.kairos.catalogue.BuiltInJobTypes;
import io.kairos.core.Kairos;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntConsumer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Many noop jobs written fast, in exactly the shape the core writes them: one job is created
 * through {@code JobRegistry.create} (its {@code kairos_job} row, and its execution with task data
 * from the core's {@code JsonSerializer}), then copied column for column by {@code insert … select
 * … from generate_series} under new ids, and removed. Ids are {@code prefix} + a zero-padded
 * number, so they sort as they are numbered.
 */
public final class PendingJobs {

  private static final int CHUNK = 100_000;

  private final Kairos kairos;
  private final JdbcTemplate jdbc;

  public PendingJobs(Kairos kairos) {
    this.kairos = kairos;
    this.jdbc = new JdbcTemplate(kairos.schedulerDataSource());
  }

  /**
   * Adds jobs {@code prefix + from} up to {@code prefix + (to - 1)}, each due at {@code due}, with
   * the cluster's default misfire grace, reporting each chunk written.
   */
  public void insert(String prefix, int from, int to, Instant due, IntConsumer written) {
    insert(prefix, from, to, due, null, written);
  }

  /**
   * As {@link #insert(String, int, int, Instant, IntConsumer)}, with a misfire grace of their own
   * ({@code MisfirePolicy.NONE}: a backlog longer than the default grace still runs).
   */
  public void insert(
      String prefix, int from, int to, Instant due, Duration misfireGrace, IntConsumer written) {
    String template = prefix + "template";
    kairos
        .transactions()
        .executeWithoutResult(
            tx ->
                kairos
                    .jobs()
                    .create(
                        new NewJob(
                            template,
                            BuiltInJobTypes.NOOP.name(),
                            null,
                            kairos.json().createObjectNode(),
                            ScheduleSpec.at(due),
                            3,
                            0,
                            "bench-pending",
                            "bench",
                            null,
                            misfireGrace),
                        JobSource.API));
    String jobColumns = columnsExcept("kairos_job", "id");
    String taskColumns = columnsExcept("scheduled_tasks", "task_instance");
    for (int start = from; start < to; start += CHUNK) {
      int end = Math.min(start + CHUNK, to) - 1;
      int copied =
          jdbc.update(
              "insert into kairos_job (id, "
                  + jobColumns
                  + ") select ? || lpad(g::text, 9, '0'), "
                  + prefixed("t", jobColumns)
                  + " from kairos_job t cross join generate_series(?, ?) g where t.id = ?",
              prefix,
              start,
              end,
              template);
      jdbc.update(
          "insert into scheduled_tasks (task_instance, "
              + taskColumns
              + ") select ? || lpad(g::text, 9, '0'), "
              + prefixed("t", taskColumns)
              + " from scheduled_tasks t cross join generate_series(?, ?) g"
              + " where t.task_name = ? and t.task_instance = ?",
          prefix,
          start,
          end,
          BuiltInJobTypes.NOOP.name(),
          template);
      written.accept(copied);
    }
    jdbc.update(
        "delete from scheduled_tasks where task_name = ? and task_instance = ?",
        BuiltInJobTypes.NOOP.name(),
        template);
    jdbc.update("delete from kairos_job where id = ?", template);
  }

  /** Moves every execution of jobs under {@code prefix} to {@code due}, unpicked. */
  public void release(String prefix, Instant due) {
    jdbc.update(
        "update scheduled_tasks set picked = false, picked_by = null, last_heartbeat = null,"
            + " execution_time = ? where task_instance like ?",
        Timestamp.from(due),
        prefix + "%");
  }

  /** Removes the jobs under {@code prefix} and their executions. */
  public void delete(String prefix) {
    jdbc.update("delete from scheduled_tasks where task_instance like ?", prefix + "%");
    jdbc.update("delete from kairos_job where id like ?", prefix + "%");
  }

  /** Planner statistics and the visibility map up to date, as autovacuum would leave them. */
  public void vacuumAnalyze() {
    jdbc.execute("vacuum analyze kairos_job");
    jdbc.execute("vacuum analyze scheduled_tasks");
  }

  private String columnsExcept(String table, String column) {
    List<String> names =
        jdbc.queryForList(
            "select column_name from information_schema.columns where table_schema ="
                + " current_schema() and table_name = ? and column_name <> ?"
                + " and is_generated = 'NEVER' order by ordinal_position",
            String.class,
            table,
            column);
    return String.join(", ", names);
  }

  private static String prefixed(String alias, String columns) {
    return alias + "." + columns.replace(", ", ", " + alias + ".");
  }
}
