package io.kairos.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.migration.KairosMigrations;
import io.kairos.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** Workers serving different job types share one task table; each claims only its own types. */
class ServedTypesLockAndFetchTests {

  private HikariDataSource dataSource;
  private JdbcTemplate jdbc;
  private final Map<String, String> ranOn = new ConcurrentHashMap<>();
  private final List<Scheduler> schedulers = new java.util.ArrayList<>();

  @BeforeEach
  void database() {
    dataSource = TestDatabases.newDatabase().dataSource(12);
    KairosMigrations.migrate(dataSource);
    jdbc = new JdbcTemplate(dataSource);
  }

  @AfterEach
  void stop() {
    schedulers.forEach(Scheduler::stop);
    dataSource.close();
  }

  @Test
  void eachWorkerRunsOnlyTheTypesItServesAndLeavesTheOthersUnclaimed() {
    Scheduler alphaWorker = start("alpha-worker", List.of("alpha"), claimOnly(List.of("alpha")));
    Scheduler betaWorker = start("beta-worker", List.of("beta"), claimOnly(List.of("beta")));
    for (int i = 0; i < 150; i++) {
      schedule(alphaWorker, "alpha", "a" + i);
      schedule(betaWorker, "beta", "b" + i);
    }
    for (int i = 0; i < 10; i++) {
      schedule(alphaWorker, "gamma", "g" + i);
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> ranOn.size() == 300);

    assertThat(ranOn)
        .allSatisfy(
            (instance, worker) ->
                assertThat(worker)
                    .isEqualTo(instance.startsWith("a") ? "alpha-worker" : "beta-worker"));
    // Nobody serves gamma: its executions wait, unclaimed, for a worker that does.
    assertThat(
            jdbc.queryForList(
                "select picked from scheduled_tasks where task_name = 'gamma'", Boolean.class))
        .hasSize(10)
        .containsOnly(false);
  }

  /**
   * Why Kairos claims by type: db-scheduler's own PostgreSQL lock-and-fetch marks another type's
   * executions picked by a worker that cannot run them.
   */
  @Test
  void
      withoutItDbSchedulersLockAndFetchLeavesAnotherTypesExecutionsPickedByAWorkerThatCannotRunThem() {
    Scheduler alphaOnly =
        start("plain-worker", List.of("alpha"), new PostgreSqlJdbcCustomization(false, false));
    schedule(alphaOnly, "beta", "b1");
    schedule(alphaOnly, "alpha", "a1");

    await().atMost(Duration.ofSeconds(30)).until(() -> ranOn.containsKey("a1"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                jdbc.queryForObject(
                    "select picked from scheduled_tasks where task_instance = 'b1'",
                    Boolean.class));
    assertThat(
            jdbc.queryForObject(
                "select picked_by from scheduled_tasks where task_instance = 'b1'", String.class))
        .isEqualTo("plain-worker");
    assertThat(ranOn).doesNotContainKey("b1");
  }

  private static JdbcCustomization claimOnly(List<String> types) {
    return new ServedTypesLockAndFetch(types, false);
  }

  private Scheduler start(String name, List<String> types, JdbcCustomization customization) {
    List<OneTimeTask<Void>> tasks =
        types.stream()
            .map(
                type ->
                    Tasks.oneTime(type)
                        .execute((instance, context) -> ranOn.put(instance.getId(), name)))
            .toList();
    Scheduler scheduler =
        Scheduler.create(dataSource, new java.util.ArrayList<>(tasks))
            .schedulerName(new com.github.kagkarlsson.scheduler.SchedulerName.Fixed(name))
            .jdbcCustomization(customization)
            .pollUsingLockAndFetch(0.5, 1.0)
            .pollingInterval(Duration.ofMillis(100))
            .threads(4)
            .build();
    scheduler.start();
    schedulers.add(scheduler);
    return scheduler;
  }

  private static void schedule(Scheduler scheduler, String type, String id) {
    scheduler.schedule(
        Tasks.oneTime(type).execute((instance, context) -> {}).instance(id),
        Instant.now().minusSeconds(1));
  }
}
