package io.kairos.migration;

import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Adopts Kairos's migration history from Flyway's default table, which earlier releases used, into
 * Kairos's own ({@value KairosMigrations#HISTORY_TABLE}). The one main source with DDL: it creates
 * Flyway's history table (a copy of the default one) before Flyway reads it, which no migration can
 * do, since a migration runs after Flyway read its history. Kairos's own tables are created only by
 * the migrations in {@code kairos/migration}.
 */
final class LegacyHistoryStore {

  private final DataSource dataSource;

  LegacyHistoryStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Moves the rows of Kairos's own scripts from Flyway's default table into {@value
   * KairosMigrations#HISTORY_TABLE}, once, so a database migrated by an earlier release is not
   * migrated again. The default table is dropped if nothing else is left in it.
   */
  void adopt(List<String> scripts) {
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    new TransactionTemplate(new DataSourceTransactionManager(dataSource))
        .executeWithoutResult(
            tx -> {
              // The same lock for every replica: two starting together adopt once.
              jdbc.queryForObject("select pg_advisory_xact_lock(7276361)", Object.class);
              Boolean needed =
                  jdbc.queryForObject(
                      "select to_regclass(?) is null and to_regclass(?) is not null",
                      Boolean.class,
                      KairosMigrations.HISTORY_TABLE,
                      KairosMigrations.LEGACY_HISTORY_TABLE);
              if (!Boolean.TRUE.equals(needed)) {
                return;
              }
              String[] names = scripts.toArray(String[]::new);
              Integer ours =
                  jdbc.queryForObject(
                      "select count(*) from "
                          + KairosMigrations.LEGACY_HISTORY_TABLE
                          + " where script = any(?)",
                      Integer.class,
                      (Object) names);
              if (ours == null || ours == 0) {
                return;
              }
              jdbc.execute(
                  "create table "
                      + KairosMigrations.HISTORY_TABLE
                      + " (like "
                      + KairosMigrations.LEGACY_HISTORY_TABLE
                      + " including all)");
              jdbc.update(
                  "insert into "
                      + KairosMigrations.HISTORY_TABLE
                      + " select * from "
                      + KairosMigrations.LEGACY_HISTORY_TABLE
                      + " where script = any(?) or type = 'BASELINE'",
                  (Object) names);
              jdbc.update(
                  "delete from " + KairosMigrations.LEGACY_HISTORY_TABLE + " where script = any(?)",
                  (Object) names);
              dropIfOnlyBaselineLeft(jdbc);
            });
  }

  private static void dropIfOnlyBaselineLeft(JdbcTemplate jdbc) {
    Integer left =
        jdbc.queryForObject(
            "select count(*) from "
                + KairosMigrations.LEGACY_HISTORY_TABLE
                + " where type <> 'BASELINE'",
            Integer.class);
    if (left != null && left == 0) {
      jdbc.execute("drop table " + KairosMigrations.LEGACY_HISTORY_TABLE);
    }
  }
}
