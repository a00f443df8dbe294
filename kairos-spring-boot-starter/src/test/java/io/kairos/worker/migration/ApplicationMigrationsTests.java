package io.kairos.worker.migration;

import static io.kairos.testing.ReleaseDatabases.relationsIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.kairos.job.JobRequest;
import io.kairos.migration.KairosMigrations;
import io.kairos.schema.KairosSchema;
import io.kairos.spring.KairosJobs;
import io.kairos.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An application with migrations of its own (Spring Boot's Flyway, default settings: {@code
 * db/migration}, schema {@code public}) starts beside Kairos on one database whichever migrated
 * first, with no Flyway setting for Kairos's sake: Kairos's tables are in a schema of their own, so
 * {@code public} is the application's alone.
 */
class ApplicationMigrationsTests {

  private TestDatabases.TestDatabase db;
  private HikariDataSource dataSource;
  private JdbcTemplate jdbc;
  private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

  /** An application with the starter, serving the built-in {@code noop}, and its own table. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class GreetingApp {}

  @BeforeEach
  void database() {
    db = TestDatabases.newDatabase();
    dataSource = db.dataSource(2);
    jdbc = new JdbcTemplate(dataSource);
  }

  @AfterEach
  void stop() {
    apps.forEach(ConfigurableApplicationContext::close);
    dataSource.close();
  }

  @Test
  void theApplicationsFlywayStartsAfterKairosMigrated() {
    KairosMigrations.migrate(dataSource);

    start("greetings-1");

    assertApplicationAndKairosApart();
  }

  @Test
  void kairosStartsAfterTheApplicationsFlywayMigrated() {
    Flyway.configure().dataSource(dataSource).load().migrate();

    start("greetings-2");

    assertApplicationAndKairosApart();
  }

  @Test
  void aSecondApplicationStartsOnADatabaseBothAlreadyMigrated() {
    start("greetings-3");
    start("greetings-4");

    assertApplicationAndKairosApart();
  }

  @Test
  void aSchemaNameThatIsNoPlainIdentifierStopsStartUpNamingTheProperty() {
    assertThatThrownBy(() -> start("greetings-bad", "--kairos.schema=Kairos-Jobs"))
        .hasStackTraceContaining("kairos.schema must be a plain PostgreSQL identifier")
        .hasStackTraceContaining("'Kairos-Jobs'");
    assertThat(relationsIn(jdbc, "public")).isEmpty();
  }

  @Test
  void aWorkerWhoseSchedulerTableIsElsewhereRefusesToStart() {
    assertThatThrownBy(
            () -> start("greetings-table", "--db-scheduler.table-name=public.scheduled_tasks"))
        .rootCause()
        .hasMessageContaining("db-scheduler.table-name must be kairos.scheduled_tasks");
  }

  private void assertApplicationAndKairosApart() {
    assertThat(relationsIn(jdbc, "public"))
        .containsExactlyInAnyOrder(
            "greeting",
            "greeting_pkey",
            "greeting_id_seq",
            "flyway_schema_history",
            "flyway_schema_history_pk",
            "flyway_schema_history_s_idx");
    assertThat(
            jdbc.queryForList(
                "select script from public.flyway_schema_history where success", String.class))
        .containsExactly("V1__greetings.sql");
    assertThat(relationsIn(jdbc, KairosSchema.DEFAULT_NAME)).containsAll(KairosSchema.TABLES);
    jdbc.update("insert into greeting (text) values ('hello')");
    // Kairos works on its own schema beside it.
    KairosJobs jobs = apps.get(0).getBean(KairosJobs.class);
    jobs.create(JobRequest.of("greet-" + apps.size(), "noop", Map.of()));
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select count(*) from kairos_job where id like 'greet-%'"),
                Integer.class))
        .isEqualTo(1);
  }

  private void start(String node, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(),
                "--kairos.worker.node-name=" + node,
                "--kairos.worker.built-in-types=noop",
                "--kairos.housekeeping.enabled=false",
                "--spring.application.name=greetings"));
    args.addAll(List.of(more));
    apps.add(
        new SpringApplicationBuilder(GreetingApp.class)
            .web(WebApplicationType.NONE)
            .run(args.toArray(String[]::new)));
  }
}
