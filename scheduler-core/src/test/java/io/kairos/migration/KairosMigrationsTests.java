package io.kairos.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.kairos.testing.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** Kairos's migrations keep a history of their own, beside an application's. */
class KairosMigrationsTests {

  @Test
  void aDatabaseMigratedIntoFlywaysDefaultTableIsAdoptedNotMigratedAgain() {
    try (HikariDataSource dataSource = TestDatabases.newDatabase().dataSource(2)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      // As earlier releases did: Spring Boot's Flyway, its default history table.
      Flyway.configure()
          .dataSource(dataSource)
          .locations(KairosMigrations.LOCATION)
          .target("40")
          .load()
          .migrate();
      jdbc.update(
          "insert into kairos_node (name, host, pid, started_at, last_seen, state, running)"
              + " values ('kept', 'h', 1, now(), now(), 'RUNNING', 0)");

      KairosMigrations.migrate(dataSource);

      assertThat(jdbc.queryForObject("select to_regclass('flyway_schema_history')", String.class))
          .isNull();
      assertThat(
              jdbc.queryForList(
                  "select version from kairos_schema_history where success order by installed_rank",
                  String.class))
          .startsWith("1", "2", "10")
          .contains("40", "41");
      assertThat(jdbc.queryForObject("select count(*) from kairos_node", Integer.class))
          .isEqualTo(1);
      assertThat(jdbc.queryForObject("select to_regclass('kairos_type_schema')", String.class))
          .isNotNull();
    }
  }

  @Test
  void anApplicationsOwnTablesAndFlywayHistoryAreLeftAlone() {
    try (HikariDataSource dataSource = TestDatabases.newDatabase().dataSource(2)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      jdbc.execute("create table invoice (id text primary key)");
      jdbc.execute(
          "create table flyway_schema_history (installed_rank int primary key, version text,"
              + " description text, type text, script text, checksum int, installed_by text,"
              + " installed_on timestamp default now(), execution_time int, success boolean)");
      jdbc.update(
          "insert into flyway_schema_history values"
              + " (1, '1', 'invoices', 'SQL', 'V1__invoices.sql', 1, 'app', now(), 1, true)");

      KairosMigrations.migrate(dataSource);
      KairosMigrations.migrate(dataSource);

      assertThat(jdbc.queryForList("select script from flyway_schema_history", String.class))
          .containsExactly("V1__invoices.sql");
      assertThat(jdbc.queryForObject("select to_regclass('kairos_job')", String.class)).isNotNull();
      assertThat(
              jdbc.queryForObject(
                  "select count(*) from kairos_schema_history where type = 'BASELINE'",
                  Integer.class))
          .isEqualTo(1);
    }
  }
}
