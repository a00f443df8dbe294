package io.kairos.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.cluster.ClusterSwitch;
import io.kairos.migration.KairosMigrations;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
  private final List<HeldClaims> held = new java.util.ArrayList<>();

  @BeforeEach
  void database() {
    dataSource = TestDatabases.newDatabase().dataSource(12);
    KairosMigrations.migrate(dataSource);
    jdbc = new JdbcTemplate(dataSource);
  }

  @AfterEach
  void stop() {
    schedulers.forEach(Scheduler::stop);
    held.forEach(HeldClaims::close);
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
                KairosSchema.DEFAULT.sql(
                    "select picked from scheduled_tasks where task_name = 'gamma'"),
                Boolean.class))
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
                    KairosSchema.DEFAULT.sql(
                        "select picked from scheduled_tasks where task_instance = 'b1'"),
                    Boolean.class));
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select picked_by from scheduled_tasks where task_instance = 'b1'"),
                String.class))
        .isEqualTo("plain-worker");
    assertThat(ranOn).doesNotContainKey("b1");
  }

  @Test
  void aPausedClusterIsNotClaimedFromThoughTheWorkerHasNotSeenThePause() {
    ClusterSwitch cluster = new ClusterSwitch(dataSource, KairosSchema.DEFAULT);
    cluster.pause("operator");
    Scheduler worker = start("alpha-worker", List.of("alpha"), claimOnly(List.of("alpha")));
    schedule(worker, "alpha", "a-paused");

    // The scheduler was never told of the pause: only the claim's statement holds it back.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                !jdbc.queryForObject(
                    KairosSchema.DEFAULT.sql(
                        "select picked from scheduled_tasks where task_instance = 'a-paused'"),
                    Boolean.class));
    assertThat(ranOn).doesNotContainKey("a-paused");

    cluster.resume("operator");
    await().atMost(Duration.ofSeconds(30)).until(() -> ranOn.containsKey("a-paused"));
  }

  /**
   * db-scheduler heartbeats an execution only while a thread runs it: one claimed with others and
   * waiting in the worker's queue longer than the dead-after window would be revived as dead,
   * though its worker is alive. Held claims keep it alive until a thread takes it.
   */
  @Test
  void anExecutionWaitingInTheWorkersQueueIsNotTakenForDead() {
    AtomicInteger deadExecutions = new AtomicInteger();
    Map<String, Integer> runs = new ConcurrentHashMap<>();
    OneTimeTask<Void> slow =
        Tasks.oneTime("slow")
            .onDeadExecution(
                (ExecutionComplete complete, ExecutionOperations<Void> operations) -> {
                  deadExecutions.incrementAndGet();
                  operations.reschedule(complete, Instant.now());
                })
            .execute(
                (instance, context) -> {
                  runs.merge(instance.getId(), 1, Integer::sum);
                  sleep(Duration.ofMillis(1500));
                });
    for (int i = 0; i < 3; i++) {
      jdbc.update(
          KairosSchema.DEFAULT.sql(
              "insert into scheduled_tasks (task_name, task_instance, execution_time, picked, version,"
                  + " priority) values ('slow', ?, now() - interval '1 second', false, 1, 0)"),
          "s" + i);
    }
    // One thread, claims for three: two executions wait 1.5 s and 3 s for it, longer than the
    // dead-after window of 4 × 150 ms.
    Scheduler worker =
        Scheduler.create(dataSource, List.of(slow))
            .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
            .schedulerName(new com.github.kagkarlsson.scheduler.SchedulerName.Fixed("queued"))
            .jdbcCustomization(claimOnly(List.of("slow")))
            .pollUsingLockAndFetch(1.0, 3.0)
            .pollingInterval(Duration.ofMillis(100))
            .heartbeatInterval(Duration.ofMillis(150))
            .missedHeartbeatsLimit(4)
            .threads(1)
            .build();
    worker.start();
    schedulers.add(worker);

    await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() == 3);
    sleep(Duration.ofMillis(1500));
    assertThat(runs)
        .containsOnlyKeys("s0", "s1", "s2")
        .allSatisfy((id, n) -> assertThat(n).isOne());
    assertThat(deadExecutions).hasValue(0);
  }

  private JdbcCustomization claimOnly(List<String> types) {
    HeldClaims claims =
        new HeldClaims(
            new ClaimStore(dataSource, KairosSchema.DEFAULT),
            new SystemClock(),
            Duration.ofMillis(150));
    held.add(claims);
    return new ServedTypesLockAndFetch(types, false, claims, KairosSchema.DEFAULT);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
            .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
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
