package io.kairos.migration;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

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
    // Kairos shares its database with applications' own tables (those it maintains, those of an
    // application hosting a worker): a schema that is not empty but has no Kairos history yet
    // starts from a baseline before Kairos's first migration.
    Flyway flyway =
        Flyway.configure()
            .dataSource(dataSource)
            .locations(LOCATION)
            .table(HISTORY_TABLE)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load();
    List<String> scripts =
        Arrays.stream(flyway.info().all())
            .map(MigrationInfo::getScript)
            .filter(Objects::nonNull)
            .toList();
    new LegacyHistoryStore(dataSource).adopt(scripts);
    flyway.migrate();
  }
}
