package io.kairos.migration;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Kairos's Flyway migrations, with a history table of their own ({@value #HISTORY_TABLE}) so they
 * never mix with the migrations of an application that hosts a worker and keeps its own tables in
 * the same database. Their scripts live outside {@code db/migration}, Flyway's default location,
 * for the same reason. Flyway takes a PostgreSQL advisory lock while migrating, so replicas
 * starting together apply each migration once.
 */
public final class KairosMigrations {

  public static final String LOCATION = "classpath:kairos/migration";
  public static final String HISTORY_TABLE = "kairos_schema_history";

  /** Where earlier releases recorded Kairos's migrations: Flyway's default table. */
  static final String LEGACY_HISTORY_TABLE = "flyway_schema_history";

  private KairosMigrations() {}

  public static void migrate(DataSource dataSource) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(dataSource)
            .locations(LOCATION)
            .table(HISTORY_TABLE)
            // The schema may already hold an application's own tables (its migrations ran first):
            // start Kairos's history below its first script, so every script still runs.
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load();
    List<String> scripts =
        Arrays.stream(flyway.info().all())
            .map(MigrationInfo::getScript)
            .filter(Objects::nonNull)
            .toList();
    adoptLegacyHistory(dataSource, scripts);
    flyway.migrate();
  }

  /**
   * Moves the rows of Kairos's own scripts from Flyway's default table into {@value
   * #HISTORY_TABLE}, once, so a database migrated by an earlier release is not migrated again. The
   * default table is dropped if nothing else is left in it.
   */
  private static void adoptLegacyHistory(DataSource dataSource, List<String> scripts) {
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
                      HISTORY_TABLE,
                      LEGACY_HISTORY_TABLE);
              if (!Boolean.TRUE.equals(needed)) {
                return;
              }
              String[] names = scripts.toArray(String[]::new);
              Integer ours =
                  jdbc.queryForObject(
                      "select count(*) from " + LEGACY_HISTORY_TABLE + " where script = any(?)",
                      Integer.class,
                      (Object) names);
              if (ours == null || ours == 0) {
                return;
              }
              jdbc.execute(
                  "create table "
                      + HISTORY_TABLE
                      + " (like "
                      + LEGACY_HISTORY_TABLE
                      + " including all)");
              jdbc.update(
                  "insert into "
                      + HISTORY_TABLE
                      + " select * from "
                      + LEGACY_HISTORY_TABLE
                      + " where script = any(?) or type = 'BASELINE'",
                  (Object) names);
              jdbc.update(
                  "delete from " + LEGACY_HISTORY_TABLE + " where script = any(?)", (Object) names);
              dropIfOnlyBaselineLeft(jdbc);
            });
  }

  private static void dropIfOnlyBaselineLeft(JdbcTemplate jdbc) {
    Integer left =
        jdbc.queryForObject(
            "select count(*) from " + LEGACY_HISTORY_TABLE + " where type <> 'BASELINE'",
            Integer.class);
    if (left != null && left == 0) {
      jdbc.execute("drop table " + LEGACY_HISTORY_TABLE);
    }
  }
}
