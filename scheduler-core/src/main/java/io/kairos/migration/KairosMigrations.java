package io.kairos.migration;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Kairos's Flyway migrations. Spring Boot applications run them through Boot's Flyway support with
 * {@link #LOCATION}; plain Java callers use {@link #migrate}. Flyway takes a PostgreSQL advisory
 * lock while migrating, so replicas starting together apply each migration once.
 */
public final class KairosMigrations {

  public static final String LOCATION = "classpath:db/migration/kairos";

  private KairosMigrations() {}

  public static void migrate(DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).locations(LOCATION).load().migrate();
  }
}
