package io.kairos.migration;

import io.kairos.schema.KairosSchema;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

/**
 * Kairos's Flyway migrations, in a PostgreSQL schema of Kairos's own ({@link KairosSchema}) with a
 * history table of their own ({@value #HISTORY_TABLE}) there, so they never meet an application
 * that keeps its tables, and its own Flyway history, in the same database: the application's schema
 * ({@code public}) holds nothing of Kairos's. Flyway creates the schema, and migrates with its own
 * connection's search path set to it, so the scripts name their tables unqualified. Their scripts
 * live outside {@code db/migration}, Flyway's default location, for the same reason. Flyway takes a
 * PostgreSQL advisory lock while migrating, so replicas starting together apply each migration
 * once. A database laid out by an earlier release (Kairos's tables beside the application's) is
 * first brought into the schema ({@link LegacyLayoutStore}).
 */
public final class KairosMigrations {

  public static final String LOCATION = "classpath:kairos/migration";
  public static final String HISTORY_TABLE = "kairos_schema_history";

  /** Where earlier releases recorded Kairos's migrations: Flyway's default table. */
  static final String LEGACY_HISTORY_TABLE = "flyway_schema_history";

  private KairosMigrations() {}

  /** Migrates Kairos's tables in the default schema ({@value KairosSchema#DEFAULT_NAME}). */
  public static void migrate(DataSource dataSource) {
    migrate(dataSource, KairosSchema.DEFAULT);
  }

  /**
   * Migrates Kairos's tables in {@code schema}, creating it if needed, after moving there the
   * tables an earlier release left in the connection's default schema.
   */
  public static void migrate(DataSource dataSource, KairosSchema schema) {
    // A schema that is not empty but has no Kairos history yet (one an operator made for Kairos
    // and put something in, or `public` chosen for the old layout) starts from a baseline before
    // Kairos's first migration.
    Flyway flyway =
        Flyway.configure()
            .dataSource(dataSource)
            .locations(LOCATION)
            .schemas(schema.name())
            .defaultSchema(schema.name())
            .createSchemas(true)
            .table(HISTORY_TABLE)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load();
    List<String> scripts =
        Arrays.stream(flyway.info().all())
            .map(MigrationInfo::getScript)
            .filter(Objects::nonNull)
            .toList();
    new LegacyLayoutStore(dataSource, schema).upgrade(scripts);
    flyway.migrate();
  }
}
