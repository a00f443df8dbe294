package io.kairos.migration;

import io.kairos.schema.KairosSchema;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Brings a database laid out by an earlier release into Kairos's schema before Flyway reads it: the
 * one main source with DDL, since no migration can do this (a migration runs after Flyway read its
 * history, in the schema it migrates). Kairos's own tables are otherwise created only by the
 * migrations in {@code kairos/migration}.
 *
 * <p>Earlier releases kept Kairos's tables in the connection's default schema ({@code public}, as a
 * rule) beside the application's: their migration history first in Flyway's default table ({@value
 * KairosMigrations#LEGACY_HISTORY_TABLE}), later in {@value KairosMigrations#HISTORY_TABLE}. Both
 * steps run in one transaction under one advisory lock, so replicas starting together do them once:
 *
 * <ol>
 *   <li>Kairos's rows of Flyway's default table are adopted into {@value
 *       KairosMigrations#HISTORY_TABLE} (a copy of the default table, which is dropped if nothing
 *       else is left in it);
 *   <li>every Kairos table in the default schema is moved into Kairos's ({@code alter table … set
 *       schema}: rows, indexes, constraints and owned sequences move with it), when the default
 *       schema holds Kairos's history and Kairos's schema does not.
 * </ol>
 */
final class LegacyLayoutStore {

  private static final Logger LOG = LoggerFactory.getLogger(LegacyLayoutStore.class);

  /** Taken by every replica before it looks at the layout. */
  private static final long LAYOUT_LOCK = 7276361;

  private final DataSource dataSource;
  private final KairosSchema schema;

  LegacyLayoutStore(DataSource dataSource, KairosSchema schema) {
    this.dataSource = dataSource;
    this.schema = schema;
  }

  /**
   * Checks that the schema's name can stand unquoted in a statement, then adopts the history and
   * moves the tables of an earlier release (see the class), once.
   *
   * @param scripts the names of Kairos's migration scripts
   */
  void upgrade(List<String> scripts) {
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    new TransactionTemplate(new DataSourceTransactionManager(dataSource))
        .executeWithoutResult(
            tx -> {
              jdbc.queryForObject("select pg_advisory_xact_lock(?)", Object.class, LAYOUT_LOCK);
              if (!Boolean.TRUE.equals(
                  jdbc.queryForObject(
                      "select quote_ident(?) = ?", Boolean.class, schema.name(), schema.name()))) {
                throw new IllegalArgumentException(
                    "schema name '"
                        + schema.name()
                        + "' is a keyword of PostgreSQL's and would have to be quoted: choose"
                        + " another");
              }
              String legacy = jdbc.queryForObject("select current_schema()", String.class);
              if (legacy == null) {
                return; // no schema of the search path exists: nothing was laid out there
              }
              adoptFlywayHistory(jdbc, legacy, scripts);
              if (!legacy.equals(schema.name())) {
                moveTables(jdbc, legacy);
              }
            });
  }

  /**
   * Moves the rows of Kairos's own scripts from Flyway's default table in {@code legacy} into
   * {@value KairosMigrations#HISTORY_TABLE} there, when no history of Kairos's exists yet.
   */
  private void adoptFlywayHistory(JdbcTemplate jdbc, String legacy, List<String> scripts) {
    String history = qualified(legacy, KairosMigrations.HISTORY_TABLE);
    String flyway = qualified(legacy, KairosMigrations.LEGACY_HISTORY_TABLE);
    if (exists(jdbc, schema.name(), KairosMigrations.HISTORY_TABLE)
        || exists(jdbc, legacy, KairosMigrations.HISTORY_TABLE)
        || !exists(jdbc, legacy, KairosMigrations.LEGACY_HISTORY_TABLE)) {
      return;
    }
    String[] names = scripts.toArray(String[]::new);
    Integer ours =
        jdbc.queryForObject(
            "select count(*) from " + flyway + " where script = any(?)",
            Integer.class,
            (Object) names);
    if (ours == null || ours == 0) {
      return;
    }
    jdbc.execute("create table " + history + " (like " + flyway + " including all)");
    jdbc.update(
        "insert into "
            + history
            + " select * from "
            + flyway
            + " where script = any(?) or type = 'BASELINE'",
        (Object) names);
    jdbc.update("delete from " + flyway + " where script = any(?)", (Object) names);
    Integer left =
        jdbc.queryForObject(
            "select count(*) from " + flyway + " where type <> 'BASELINE'", Integer.class);
    if (left != null && left == 0) {
      jdbc.execute("drop table " + flyway);
    }
    LOG.info("Adopted Kairos's migration history from {} into {}", flyway, history);
  }

  /**
   * Moves Kairos's tables from {@code legacy} into Kairos's schema, when {@code legacy} holds
   * Kairos's history and Kairos's schema does not.
   */
  private void moveTables(JdbcTemplate jdbc, String legacy) {
    if (!exists(jdbc, legacy, KairosMigrations.HISTORY_TABLE)
        || exists(jdbc, schema.name(), KairosMigrations.HISTORY_TABLE)) {
      return;
    }
    // Created only when missing: an operator may have made it for a user who may not create one.
    if (!Boolean.TRUE.equals(
        jdbc.queryForObject(
            "select exists (select 1 from pg_namespace where nspname = ?)",
            Boolean.class,
            schema.name()))) {
      jdbc.execute("create schema " + schema.name());
    }
    for (String table : KairosSchema.TABLES) {
      if (exists(jdbc, legacy, table)) {
        jdbc.execute("alter table " + qualified(legacy, table) + " set schema " + schema.name());
        LOG.info(
            "Moved Kairos's table {} from schema {} into schema {}", table, legacy, schema.name());
      }
    }
  }

  private static boolean exists(JdbcTemplate jdbc, String schemaName, String table) {
    return Boolean.TRUE.equals(
        jdbc.queryForObject(
            "select exists (select 1 from pg_tables where schemaname = ? and tablename = ?)",
            Boolean.class,
            schemaName,
            table));
  }

  /** {@code schemaName.table}, the schema quoted: the default schema may have any name. */
  private static String qualified(String schemaName, String table) {
    return '"' + schemaName.replace("\"", "\"\"") + "\"." + table;
  }
}
