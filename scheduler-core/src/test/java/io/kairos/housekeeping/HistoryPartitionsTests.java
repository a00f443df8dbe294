package io.kairos.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.SystemClock;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.ScheduleSpec;
import io.kairos.migration.KairosMigrations;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import io.kairos.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * History is partitioned by day: partitions are added ahead, a day older than the retention goes
 * whole with its dead jobs' attempts kept, on a real PostgreSQL.
 */
class HistoryPartitionsTests {

  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  KairosFixture fixture;

  @BeforeEach
  void setUp() {
    fixture = new KairosFixture(Map.of(Noop.TYPE, new Noop()), 2);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void missingPartitionsAheadAreAddedOnceEvenByNodesAddingTogether() throws Exception {
    LocalDate today = today(fixture.jdbc);
    String last = partition(today.plusDays(Housekeeper.DAYS_AHEAD));
    String next = partition(today.plusDays(1));
    assertThat(partitions(fixture.jdbc, "kairos")).contains(partition(today), next, last);
    fixture.jdbc.execute("drop table kairos." + next);
    fixture.jdbc.execute("drop table kairos." + last);

    CyclicBarrier together = new CyclicBarrier(4);
    ExecutorService nodes = Executors.newFixedThreadPool(4);
    List<Future<Integer>> added = new ArrayList<>();
    try (HikariDataSource pool = fixture.database.dataSource(4)) {
      for (int i = 0; i < 4; i++) {
        Housekeeper node = new Housekeeper(pool, KairosSchema.DEFAULT, 100);
        added.add(
            nodes.submit(
                () -> {
                  together.await();
                  return node.addHistoryPartitions();
                }));
      }
      int total = 0;
      for (Future<Integer> each : added) {
        total += each.get();
      }
      assertThat(total).isEqualTo(2);
    } finally {
      nodes.shutdownNow();
    }
    assertThat(partitions(fixture.jdbc, "kairos")).contains(next, last);
    assertThat(fixture.kairos(new SystemClock()).housekeeper(100).addHistoryPartitions()).isZero();
  }

  @Test
  void aDayWhoseAttemptsWentToTheDefaultPartitionKeepsThemThere() {
    LocalDate day = today(fixture.jdbc).plusDays(3);
    fixture.jdbc.execute("drop table kairos." + partition(day));
    long id = insertRun("early", day.atTime(12, 0).toInstant(ZoneOffset.UTC));

    assertThat(fixture.kairos(new SystemClock()).housekeeper(100).addHistoryPartitions()).isZero();

    assertThat(partitions(fixture.jdbc, "kairos")).doesNotContain(partition(day));
    assertThat(fixture.runs.runsOf("early", 0, 10)).extracting(JobRun::id).containsExactly(id);
  }

  @Test
  void aDayOlderThanTheRetentionIsDroppedWholeAndADeadJobsAttemptsAreKeptReadableWithTheirIds() {
    for (String id : List.of("dead", "done", "recent")) {
      fixture
          .submitter(new SystemClock())
          .submit(fixture.job(id, "noop", null, ScheduleSpec.at(Instant.now().plusSeconds(60)), 3));
    }
    fixture.jdbc.update(KairosSchema.DEFAULT.sql("delete from scheduled_tasks"));
    fixture.finish("dead", JobState.DEAD, "gave up");
    fixture.finish("done", JobState.COMPLETED, null);
    LocalDate old = today(fixture.jdbc).minusDays(40);
    fixture.jdbc.queryForObject(
        "select kairos.kairos_job_run_add_partition(?)", Boolean.class, java.sql.Date.valueOf(old));
    Instant then = old.atTime(10, 0).toInstant(ZoneOffset.UTC);
    long dead1 = insertRun("dead", then);
    long dead2 = insertRun("dead", then.plusSeconds(60));
    insertRun("done", then);
    insertRun("done", then.plusSeconds(60));
    long recent = insertRun("recent", Instant.now().minus(Duration.ofDays(29)));

    long pruned =
        fixture.kairos(new SystemClock()).housekeeper(100).pruneHistory(Duration.ofDays(30));

    assertThat(pruned).isEqualTo(2);
    assertThat(partitions(fixture.jdbc, "kairos")).doesNotContain(partition(old));
    assertThat(fixture.runs.runsOf("dead", 0, 10))
        .extracting(JobRun::id, JobRun::startedAt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(dead1, then),
            org.assertj.core.groups.Tuple.tuple(dead2, then.plusSeconds(60)));
    assertThat(fixture.runs.lastRunOf("dead").orElseThrow().id()).isEqualTo(dead2);
    assertThat(fixture.deadJobs.find("dead").orElseThrow().attempts()).isEqualTo(1);
    assertThat(fixture.runs.runsOf("done", 0, 10)).isEmpty();
    assertThat(fixture.runs.runsOf("recent", 0, 10)).extracting(JobRun::id).containsExactly(recent);
    // Kept in the default partition, the dead job's attempts go once it no longer is dead.
    fixture.jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_job where id = 'dead'"));
    assertThat(fixture.kairos(new SystemClock()).housekeeper(1).pruneHistory(Duration.ofDays(30)))
        .isEqualTo(2);
    assertThat(fixture.runs.runsOf("dead", 0, 10)).isEmpty();
  }

  @Test
  void partitionsOfKairosInASchemaOfItsOwnAreAddedAndDroppedThere() {
    try (HikariDataSource dataSource = TestDatabases.newDatabase().dataSource(2)) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      KairosSchema schema = KairosSchema.of("jobs");
      KairosMigrations.migrate(dataSource, schema);
      LocalDate today = today(jdbc);
      jdbc.execute("drop table jobs." + partition(today.plusDays(2)));
      jdbc.queryForObject(
          "select jobs.kairos_job_run_add_partition(?)",
          Boolean.class,
          java.sql.Date.valueOf(today.minusDays(10)));
      Housekeeper housekeeper = new Housekeeper(dataSource, schema, 100);

      assertThat(housekeeper.addHistoryPartitions()).isEqualTo(1);
      housekeeper.pruneHistory(Duration.ofDays(5));

      assertThat(partitions(jdbc, "jobs"))
          .contains(partition(today.plusDays(2)))
          .doesNotContain(partition(today.minusDays(10)));
      assertThat(partitions(jdbc, "kairos")).isEmpty();
      assertThat(partitions(jdbc, "public")).isEmpty();
    }
  }

  private long insertRun(String jobId, Instant startedAt) {
    Long id =
        fixture.jdbc.queryForObject(
            KairosSchema.DEFAULT.sql(
                "insert into kairos_job_run (job_id, job_type, scheduled_for, started_at,"
                    + " finished_at, node, attempt, outcome) values (?, 'noop', ?, ?, ?, 'n', 1,"
                    + " 'FAILED') returning id"),
            Long.class,
            jobId,
            java.sql.Timestamp.from(startedAt),
            java.sql.Timestamp.from(startedAt),
            java.sql.Timestamp.from(startedAt.plusSeconds(1)));
    return id == null ? 0 : id;
  }

  private static LocalDate today(JdbcTemplate jdbc) {
    return jdbc.queryForObject("select (now() at time zone 'UTC')::date", LocalDate.class);
  }

  private static String partition(LocalDate day) {
    return "kairos_job_run_p" + day.format(DAY);
  }

  private static List<String> partitions(JdbcTemplate jdbc, String schema) {
    return jdbc.queryForList(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            + " where n.nspname = ? and c.relname like 'kairos\\_job\\_run\\_p%' and c.relispartition",
        String.class, schema);
  }
}
