package io.kairos.jobtype.retention;

import io.kairos.job.InvalidJobException;
import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.PermanentJobFailure;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deletes old rows in batches, each its own short transaction, until a batch comes back short.
 * Re-running it is harmless (retention is naturally idempotent). Interruption (timeout, lost lease)
 * stops it between batches; what was deleted stays deleted.
 *
 * <p>This type is for operators: it is declared in configuration ({@code kairos.jobs}) and is not
 * in the API's catalogue, so nobody can point it at a table over HTTP.
 */
public final class RetentionHandler implements JobHandler<RetentionPayload> {

  private final JdbcTemplate jdbc;

  public RetentionHandler(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /** Fails with the offending field unless the table and column exist; used at start-up too. */
  public void checkTarget(RetentionPayload payload) {
    String schemaCondition =
        payload.schema() == null ? "table_schema = current_schema()" : "table_schema = ?";
    Object[] tableArgs =
        payload.schema() == null
            ? new Object[] {payload.tableName()}
            : new Object[] {payload.tableName(), payload.schema()};
    Integer tables =
        jdbc.queryForObject(
            "select count(*) from information_schema.tables where table_name = ? and "
                + schemaCondition,
            Integer.class,
            tableArgs);
    if (tables == null || tables == 0) {
      throw new InvalidJobException("table", "'" + payload.table() + "' does not exist");
    }
    Object[] columnArgs =
        payload.schema() == null
            ? new Object[] {payload.tableName(), payload.column()}
            : new Object[] {payload.tableName(), payload.column(), payload.schema()};
    Integer columns =
        jdbc.queryForObject(
            "select count(*) from information_schema.columns where table_name = ? and"
                + " column_name = ? and "
                + schemaCondition,
            Integer.class,
            columnArgs);
    if (columns == null || columns == 0) {
      throw new InvalidJobException(
          "column", "'" + payload.column() + "' is not a column of " + payload.table());
    }
  }

  @Override
  public void handle(RetentionPayload payload, JobContext context) throws InterruptedException {
    try {
      checkTarget(payload);
    } catch (InvalidJobException e) {
      throw new PermanentJobFailure(e.getMessage(), e);
    }
    // Identifiers were matched against [A-Za-z_][A-Za-z0-9_]* and found in the catalogue above.
    String table = quoted(payload.table());
    String column = quote(payload.column());
    String cutoff =
        payload.expired()
            ? column + " <= now()"
            : column + " < now() - make_interval(secs => " + payload.olderThan().toSeconds() + ")";
    String delete =
        "delete from "
            + table
            + " where ctid = any(array(select ctid from "
            + table
            + " where "
            + cutoff
            + " limit "
            + payload.batchSize()
            + "))";
    long deleted = 0;
    int batches = 0;
    int last;
    do {
      if (Thread.interrupted()) {
        context.report("deleted " + deleted + " rows in " + batches + " batches, then stopped");
        throw new InterruptedException("stopped after " + batches + " batches");
      }
      last = jdbc.update(delete);
      deleted += last;
      batches++;
    } while (last == payload.batchSize());
    context.report(
        "deleted " + deleted + " rows from " + payload.table() + " in " + batches + " batches");
  }

  private static String quoted(String qualified) {
    int dot = qualified.indexOf('.');
    return dot < 0
        ? quote(qualified)
        : quote(qualified.substring(0, dot)) + "." + quote(qualified.substring(dot + 1));
  }

  private static String quote(String identifier) {
    return '"' + identifier + '"';
  }
}
