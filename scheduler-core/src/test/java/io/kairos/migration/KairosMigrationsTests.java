package io.kairos.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.testing.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

class KairosMigrationsTests {

  @Test
  void kairosMigratesASchemaWhereAnApplicationsOwnMigrationsRanFirst() {
    DataSource dataSource = TestDatabases.newDatabase().dataSource(2);
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    // What Spring Boot's Flyway leaves after an application's own V1: its table and its history.
    jdbc.execute("create table invoice (id text primary key)");
    jdbc.execute(
        "create table flyway_schema_history (installed_rank int primary key, script text)");
    jdbc.update("insert into flyway_schema_history values (1, 'V1__invoices.sql')");

    KairosMigrations.migrate(dataSource);

    assertThat(jdbc.queryForObject("select to_regclass('kairos_job') is not null", Boolean.class))
        .isTrue();
    assertThat(
            jdbc.queryForObject(
                "select count(*) from kairos_schema_history where script = 'V1__kairos_schema.sql'",
                Integer.class))
        .isEqualTo(1);
    assertThat(jdbc.queryForObject("select count(*) from flyway_schema_history", Integer.class))
        .isEqualTo(1);
  }
}
