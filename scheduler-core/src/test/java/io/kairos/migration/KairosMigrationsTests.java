package io.kairos.migration;

import static io.kairos.testing.ReleaseDatabases.RELEASE_0_1_0_TABLES;
import static io.kairos.testing.ReleaseDatabases.relationsIn;
import static io.kairos.testing.ReleaseDatabases.rowCounts;
import static io.kairos.testing.ReleaseDatabases.upgraded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.ReleaseDatabases;
import io.kairos.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Kairos's migrations keep every table of Kairos's, and their history, in a schema of their own,
 * apart from an application's; a database an earlier release laid out is brought there.
 */
class KairosMigrationsTests {

  @Test
  void aFreshDatabaseGetsKairossTablesInItsOwnSchemaAndNothingInPublic() {
    try (HikariDataSource dataSource = TestDatabases.newDatabase().dataSource(2)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);

      KairosMigrations.migrate(dataSource);

      assertThat(relationsIn(jdbc, "public")).isEmpty();
      assertThat(relationsIn(jdbc, "kairos")).containsAll(KairosSchema.TABLES);
      assertThat(
              jdbc.queryForObject(
                  "select count(*) from kairos.kairos_schema_history where type = 'BASELINE'",
                  Integer.class))
          .isZero();
    }
  }

  @Test
  void aConfiguredSchemaIsHonouredAndNoOtherIsTouched() {
    try (HikariDataSource dataSource = TestDatabases.newDatabase().dataSource(2)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);

      KairosMigrations.migrate(dataSource, KairosSchema.of("other_name"));

      assertThat(relationsIn(jdbc, "other_name")).containsAll(KairosSchema.TABLES);
      assertThat(relationsIn(jdbc, "public")).isEmpty();
      assertThat(
              jdbc.queryForObject(
                  "select count(*) from pg_namespace where nspname = 'kairos'", Integer.class))
          .isZero();
    }
  }

  @Test
  void historyBecomesPartitionedByDayWithEveryRowAndIdKeptAndIdsContinuing() {
    try (HikariDataSource dataSource = TestDatabases.newDatabase().dataSource(2)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      Flyway.configure()
          .dataSource(dataSource)
          .locations(KairosMigrations.LOCATION)
          .schemas("kairos")
          .defaultSchema("kairos")
          .createSchemas(true)
          .table(KairosMigrations.HISTORY_TABLE)
          .target("50")
          .load()
          .migrate();
      // 3,000 attempts over the last 60 days, every column set, with gaps in the ids.
      jdbc.update(
          "insert into kairos.kairos_job_run (job_id, job_type, scheduled_for, started_at,"
              + " finished_at, node, attempt, outcome, error, recovered, detail, revision,"
              + " progress_done, progress_total, progress_message) select 'job-' || (n % 50),"
              + " 'noop', now() - n * interval '29 minutes', now() - n * interval '29 minutes',"
              + " now() - n * interval '29 minutes' + interval '1 second', 'node-' || (n % 3),"
              + " 1 + n % 4, case when n % 7 = 0 then 'FAILED' else 'SUCCEEDED' end, case when"
              + " n % 7 = 0 then 'boom ' || n end, n % 11 = 0, 'detail ' || n, 1 + n % 2, n,"
              + " n * 2, 'at ' || n from generate_series(1, 3000) n");
      jdbc.update("delete from kairos.kairos_job_run where id % 10 = 0");
      List<Map<String, Object>> before =
          jdbc.queryForList("select * from kairos.kairos_job_run order by id");
      assertThat(before).hasSize(2700);

      KairosMigrations.migrate(dataSource);

      assertThat(jdbc.queryForList("select * from kairos.kairos_job_run order by id"))
          .isEqualTo(before);
      assertThat(
              jdbc.queryForObject(
                  "select count(*) from pg_partitioned_table"
                      + " where partrelid = 'kairos.kairos_job_run'::regclass",
                  Integer.class))
          .isEqualTo(1);
      // Each day with history has a partition of its own, which holds it; the default is empty.
      assertThat(
              jdbc.queryForObject(
                  "select count(*) from kairos.kairos_job_run where tableoid::regclass::text <>"
                      + " 'kairos.kairos_job_run_p' || to_char(started_at at time zone 'UTC',"
                      + " 'YYYYMMDD')",
                  Integer.class))
          .isZero();
      assertThat(
              jdbc.queryForObject(
                  "select count(distinct tableoid) from kairos.kairos_job_run", Integer.class))
          .isGreaterThan(60);
      assertThat(relationsIn(jdbc, "kairos"))
          .contains(
              "kairos_job_run_pkey",
              "kairos_job_run_job_idx",
              "kairos_job_run_running_idx",
              "kairos_job_run_started_idx",
              "kairos_job_run_recovered_idx",
              "kairos_job_run_id_seq")
          .doesNotContain("kairos_job_run_unpartitioned");
      assertThat(
              jdbc.queryForMap(
                  "insert into kairos.kairos_job_run (job_id, job_type, scheduled_for, started_at,"
                      + " node, attempt, outcome) values ('new', 'noop', now(), now(), 'n', 1,"
                      + " 'SUCCEEDED') returning id, tableoid::regclass::text as partition"))
          .containsEntry("id", 3001L)
          .containsEntry(
              "partition",
              "kairos.kairos_job_run_p"
                  + jdbc.queryForObject(
                      "select to_char(now() at time zone 'UTC', 'YYYYMMDD')", String.class));
    }
  }

  @Test
  void aSchemaNameThatIsAKeywordOfPostgresqlIsRefusedBeforeAnythingIsCreated() {
    try (HikariDataSource dataSource = TestDatabases.newDatabase().dataSource(2)) {
      assertThatThrownBy(() -> KairosMigrations.migrate(dataSource, KairosSchema.of("user")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'user'")
          .hasMessageContaining("keyword");
      assertThat(
              new JdbcTemplate(dataSource)
                  .queryForObject(
                      "select count(*) from pg_namespace where nspname = 'user'", Integer.class))
          .isZero();
    }
  }

  @Test
  void aDatabaseMigratedIntoFlywaysDefaultTableIsAdoptedNotMigratedAgain() {
    try (HikariDataSource dataSource = TestDatabases.newDatabase().dataSource(2)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      // As the earliest releases did: Spring Boot's Flyway, its default history table, public.
      Flyway.configure()
          .dataSource(dataSource)
          .locations(KairosMigrations.LOCATION)
          .target("40")
          .load()
          .migrate();
      jdbc.update(
          "insert into public.kairos_node (name, host, pid, started_at, last_seen, state, running)"
              + " values ('kept', 'h', 1, now(), now(), 'RUNNING', 0)");

      KairosMigrations.migrate(dataSource);

      assertThat(relationsIn(jdbc, "public")).isEmpty();
      assertThat(
              jdbc.queryForList(
                  "select version from kairos.kairos_schema_history where success"
                      + " order by installed_rank",
                  String.class))
          .startsWith("1", "2", "10")
          .contains("40", "41");
      assertThat(jdbc.queryForObject("select count(*) from kairos.kairos_node", Integer.class))
          .isEqualTo(1);
      assertThat(
              jdbc.queryForObject("select to_regclass('kairos.kairos_type_schema')", String.class))
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
      assertThat(relationsIn(jdbc, "public"))
          .containsExactlyInAnyOrder(
              "invoice", "invoice_pkey", "flyway_schema_history", "flyway_schema_history_pkey");
      assertThat(jdbc.queryForObject("select to_regclass('kairos.kairos_job')", String.class))
          .isNotNull();
    }
  }

  @Test
  void aDatabaseTheCurrentReleaseCreatedMovesIntoKairossSchemaWithNothingLost() {
    TestDatabases.TestDatabase database = ReleaseDatabases.load(ReleaseDatabases.RELEASE_0_1_0);
    try (HikariDataSource dataSource = database.dataSource(2)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      Map<String, Integer> before = rowCounts(jdbc, "public", RELEASE_0_1_0_TABLES);
      assertThat(before).containsEntry("kairos_job", 8).containsEntry("kairos_job_run", 5);

      KairosMigrations.migrate(dataSource);

      assertThat(rowCounts(jdbc, "kairos", RELEASE_0_1_0_TABLES)).isEqualTo(upgraded(before));
      assertThat(relationsIn(jdbc, "public")).as("nothing of Kairos's left in public").isEmpty();
      // Indexes and the history's sequence moved with their tables: the next run gets id 6.
      assertThat(relationsIn(jdbc, "kairos"))
          .contains("kairos_job_state_idx", "kairos_job_run_id_seq", "priority_execution_time_idx");
      assertThat(
              jdbc.queryForObject(
                  "insert into kairos.kairos_job_run (job_id, job_type, scheduled_for, started_at,"
                      + " node, attempt, outcome) values ('hello', 'log', now(), now(), 'n', 2,"
                      + " 'SUCCEEDED') returning id",
                  Long.class))
          .isEqualTo(6L);
      // Nothing of the release's history was applied again.
      assertThat(
              jdbc.queryForObject(
                  "select count(*) from kairos.kairos_schema_history where version = '1'",
                  Integer.class))
          .isEqualTo(1);
    }
  }

  @Test
  void migratingAnUpgradedDatabaseAgainChangesNothing() {
    TestDatabases.TestDatabase database = ReleaseDatabases.load(ReleaseDatabases.RELEASE_0_1_0);
    try (HikariDataSource dataSource = database.dataSource(2)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      KairosMigrations.migrate(dataSource);
      Map<String, Integer> once = rowCounts(jdbc, "kairos", RELEASE_0_1_0_TABLES);

      KairosMigrations.migrate(dataSource);

      assertThat(rowCounts(jdbc, "kairos", RELEASE_0_1_0_TABLES)).isEqualTo(once);
      assertThat(relationsIn(jdbc, "public")).isEmpty();
    }
  }

  @Test
  void twoReplicasUpgradingTogetherMoveTheTablesOnce() throws Exception {
    TestDatabases.TestDatabase database = ReleaseDatabases.load(ReleaseDatabases.RELEASE_0_1_0);
    List<HikariDataSource> pools = new ArrayList<>();
    ExecutorService replicas = Executors.newFixedThreadPool(2);
    try {
      HikariDataSource first = database.dataSource(2);
      pools.add(first);
      pools.add(database.dataSource(2));
      JdbcTemplate jdbc = new JdbcTemplate(first);
      Map<String, Integer> before = rowCounts(jdbc, "public", RELEASE_0_1_0_TABLES);
      CountDownLatch ready = new CountDownLatch(2);
      List<Future<?>> done = new ArrayList<>();
      for (HikariDataSource pool : pools) {
        done.add(
            replicas.submit(
                () -> {
                  ready.countDown();
                  ready.await(10, TimeUnit.SECONDS);
                  KairosMigrations.migrate(pool);
                  return null;
                }));
      }
      for (Future<?> replica : done) {
        replica.get(60, TimeUnit.SECONDS);
      }

      assertThat(rowCounts(jdbc, "kairos", RELEASE_0_1_0_TABLES)).isEqualTo(upgraded(before));
      assertThat(relationsIn(jdbc, "public")).isEmpty();
    } finally {
      replicas.shutdownNow();
      pools.forEach(HikariDataSource::close);
    }
  }
}
