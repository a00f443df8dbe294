package io.kairos.jobtype.retention;

import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The retention job's statements: whether its table and column exist (from the catalogue), and one
 * batch of its delete.
 */
final class RetentionStore {

  private final JdbcTemplate jdbc;

  RetentionStore(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /** Whether the payload's table exists (in its schema, else the current one). */
  boolean tableExists(RetentionPayload payload) {
    Object[] tableArgs =
        payload.schema() == null
            ? new Object[] {payload.tableName()}
            : new Object[] {payload.tableName(), payload.schema()};
    Integer tables =
        jdbc.queryForObject(
            "select count(*) from information_schema.tables where table_name = ? and "
                + schemaCondition(payload),
            Integer.class,
            tableArgs);
    return tables != null && tables != 0;
  }

  /** Whether the payload's table has its column. */
  boolean columnExists(RetentionPayload payload) {
    Object[] columnArgs =
        payload.schema() == null
            ? new Object[] {payload.tableName(), payload.column()}
            : new Object[] {payload.tableName(), payload.column(), payload.schema()};
    Integer columns =
        jdbc.queryForObject(
            "select count(*) from information_schema.columns where table_name = ? and"
                + " column_name = ? and "
                + schemaCondition(payload),
            Integer.class,
            columnArgs);
    return columns != null && columns != 0;
  }

  private static String schemaCondition(RetentionPayload payload) {
    return payload.schema() == null ? "table_schema = current_schema()" : "table_schema = ?";
  }

  /**
   * Deletes one batch of the payload's expired rows; returns how many. Its identifiers must have
   * been checked ({@link #tableExists}, {@link #columnExists}).
   */
  int deleteBatch(RetentionPayload payload) {
    // Identifiers were matched against [A-Za-z_][A-Za-z0-9_]* and found in the catalogue.
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
    return jdbc.update(delete);
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
