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
