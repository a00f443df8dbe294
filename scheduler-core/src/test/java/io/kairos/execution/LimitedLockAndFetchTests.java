package io.kairos.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.limits.FlowLimit;
import io.kairos.limits.FlowLimits;
import io.kairos.limits.LimitStore;
import io.kairos.limits.LimitedClaims;
import io.kairos.migration.KairosMigrations;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Claims under flow limits, made by hand (no executor runs what is claimed), so the claimed rows
 * stay picked and show exactly what each claim took.
 */
class LimitedLockAndFetchTests {

  private HikariDataSource dataSource;
  private JdbcTemplate jdbc;
  private final List<HeldClaims> held = new ArrayList<>();

  @BeforeEach
  void database() {
    dataSource = TestDatabases.newDatabase().dataSource(8);
    KairosMigrations.migrate(dataSource);
    jdbc = new JdbcTemplate(dataSource);
  }

  @AfterEach
  void stop() {
    held.forEach(HeldClaims::close);
    dataSource.close();
  }

  @Test
  void aBusyKeyGetsItsLimitAndTheOtherKeysTheirTurnWithinOneClaim() {
    FlowLimits limits =
        new FlowLimits(List.of(new FlowLimit("export", "customer-*", "/customer", 2, null, null)));
    for (int i = 0; i < 50; i++) {
      job("export", "busy-" + i, "{\"customer\":\"customer-1\"}", i);
    }
    for (int k = 2; k <= 4; k++) {
      for (int i = 0; i < 3; i++) {
        job("export", "k" + k + "-" + i, "{\"customer\":\"customer-" + k + "\"}", 100 + i);
      }
    }
    job("export", "keyless", "{}", 200);

    List<String> first = claim(limits, List.of("export"), 20);

    // Fifty earlier jobs of customer-1 do not hide the others: 2 of it, 2 of each other key, and
    // the job without a key (no limit applies to it).
    assertThat(byKey(first))
        .containsEntry("busy", 2L)
        .containsEntry("k2", 2L)
        .containsEntry("k3", 2L)
        .containsEntry("k4", 2L)
        .containsEntry("keyless", 1L);
    assertThat(claim(limits, List.of("export"), 20)).isEmpty();

    // A slot comes back when its execution is no longer picked (completed, or revived).
    jdbc.update(
        KairosSchema.DEFAULT.sql("delete from scheduled_tasks where task_instance = 'busy-0'"));
    assertThat(claim(limits, List.of("export"), 20)).containsExactly("busy-2");
  }

  @Test
  void aTypeLimitAndARateLimitHoldAcrossClaimsOfManyWorkers() {
    FlowLimits limits =
        new FlowLimits(
            List.of(
                new FlowLimit("report", null, null, 3, null, null),
                new FlowLimit("call", "*", "/partner", null, 4, Duration.ofHours(1))));
    for (int i = 0; i < 20; i++) {
      job("report", "r" + i, "{}", i);
      job("call", "a" + i, "{\"partner\":\"https://A.example:8443/x?y\"}", i);
      job("call", "b" + i, "{\"partner\":\"https://b.example/\"}", i);
    }
    LimitedClaims gate = new LimitedClaims(limits, KairosSchema.DEFAULT, dataSource);
    List<String> claimed = new ArrayList<>();
    for (int worker = 0; worker < 5; worker++) {
      claimed.addAll(claim(limits, List.of("report"), 10));
    }
    assertThat(claimed).hasSize(3);

    // Starts are admitted, and counted, as they begin: both partners by their host, each 4 per
    // hour, whatever ran since.
    java.time.Instant now = java.time.Instant.now();
    for (int i = 0; i < 4; i++) {
      assertThat(gate.admit("call", "a" + i, now)).as("a" + i).isPresent();
      assertThat(gate.admit("call", "b" + i, now)).as("b" + i).isPresent();
    }
    assertThat(gate.admit("call", "a4", now)).isEmpty();
    assertThat(gate.admit("call", "b4", now)).isEmpty();
    assertThat(gate.admit("report", "r5", now)).as("no rate limit").isPresent();
    // Claims leave out the partners whose starts are used up.
    assertThat(claim(limits, List.of("call"), 10)).isEmpty();

    LimitStore store =
        new LimitStore(
            dataSource,
            org.springframework.transaction.support.TransactionOperations.withoutTransaction(),
            KairosSchema.DEFAULT);
    store.declare(limits, "test");
    assertThat(store.waitingFor("report", "r10")).contains("limit report: 3 of 3 running");
    assertThat(store.waitingFor("call", "a10")).contains("limit a.example: 4 of 4 starts per 1h");
    assertThat(store.waitingFor("report", "r0")).as("running, not waiting").isEmpty();
    assertThat(store.usage())
        .anySatisfy(
            usage -> {
              assertThat(usage.limit().type()).isEqualTo("report");
              assertThat(usage.used()).isEqualTo(3);
              assertThat(usage.waiting()).isEqualTo(17);
            });
  }

  @Test
  void workersClaimingAtTheSameMomentTakeNoMoreThanATypeLimitAllows() throws Exception {
    // Each claim asks for 3 with a limit of 5: the first to hold the limits lock takes 3 in the
    // claim no limit can bind, the next finds that a limit could bind and chooses the 2 left. Were
    // the claim to count what runs with a snapshot older than the lock, two claims would each see
    // 0 running and take 3.
    FlowLimits limits = new FlowLimits(List.of(new FlowLimit("report", null, null, 5, null, null)));
    int workers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      for (int round = 0; round < 25; round++) {
        jdbc.update(KairosSchema.DEFAULT.sql("delete from scheduled_tasks"));
        for (int i = 0; i < 40; i++) {
          job("report", "r" + round + "-" + i, "{}", i);
        }
        CyclicBarrier together = new CyclicBarrier(workers);
        List<Future<Integer>> claims = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
          var worker =
              worker(
                  new LimitedClaims(limits, KairosSchema.DEFAULT, dataSource), List.of("report"));
          claims.add(
              pool.submit(
                  () -> {
                    together.await();
                    return worker.lockAndGetDue(java.time.Instant.now(), 3).size();
                  }));
        }
        int claimed = 0;
        for (Future<Integer> claim : claims) {
          claimed += claim.get(30, TimeUnit.SECONDS);
        }
        assertThat(claimed).as("claimed in round " + round).isEqualTo(5);
        assertThat(picked()).hasSize(5);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aClaimFarFromARateLimitTakesTheStartsOfWhatItClaimsAndNearerItEachStartIsAdmitted() {
    FlowLimits limits =
        new FlowLimits(
            List.of(new FlowLimit("call", "*", "/partner", null, 10, Duration.ofHours(1))));
    for (int i = 0; i < 8; i++) {
      job("call", "a-" + i, "{\"partner\":\"https://a.example/x\"}", i);
      job("call", "b-" + i, "{\"partner\":\"https://b.example/x\"}", i);
    }
    LimitedClaims gate = new LimitedClaims(limits, KairosSchema.DEFAULT, dataSource);

    // Twice (what started + what it asks) fits 10: the claim logs its executions' starts itself.
    assertThat(claim(gate, List.of("call"), 4))
        .containsExactlyInAnyOrder("a-0", "a-1", "b-0", "b-1");
    assertThat(loggedStarts("a.example")).isEqualTo(2);
    // 2 × (2 + 4) does not: nothing logged at the claim, its starts are admitted as they begin.
    assertThat(claim(gate, List.of("call"), 4))
        .containsExactlyInAnyOrder("a-2", "a-3", "b-2", "b-3");
    assertThat(loggedStarts("a.example")).isEqualTo(2);

    // A start its claim logged starts on that: nothing more is logged.
    java.time.Instant now = java.time.Instant.now();
    assertThat(gate.admit("call", "a-0", now)).isPresent();
    assertThat(gate.admit("call", "b-1", now)).isPresent();
    assertThat(loggedStarts("a.example")).isEqualTo(2);
    // The others are admitted one by one, counting the log, up to the limit and no further.
    for (int i = 2; i < 8; i++) {
      assertThat(gate.admit("call", "a-" + i, now)).as("a-" + i).isPresent();
    }
    assertThat(loggedStarts("a.example")).isEqualTo(8);
    job("call", "a-8", "{\"partner\":\"https://a.example/x\"}", 8);
    job("call", "a-9", "{\"partner\":\"https://a.example/x\"}", 9);
    job("call", "a-10", "{\"partner\":\"https://a.example/x\"}", 10);
    assertThat(gate.admit("call", "a-8", now)).isPresent();
    assertThat(gate.admit("call", "a-9", now)).isPresent();
    assertThat(gate.admit("call", "a-10", now)).as("the 11th start within the hour").isEmpty();
  }

  @Test
  void aStartLaterThanItsWindowGivesBackTheStartItsClaimLoggedAndIsAdmittedAnew()
      throws InterruptedException {
    // 100 starts per 2 s: a claimed execution may start on its claim's logged start within 1 s.
    FlowLimits limits =
        new FlowLimits(
            List.of(new FlowLimit("call", null, null, null, 100, Duration.ofSeconds(2))));
    for (int i = 0; i < 4; i++) {
      job("call", "c-" + i, "{}", i);
    }
    LimitedClaims gate = new LimitedClaims(limits, KairosSchema.DEFAULT, dataSource);
    assertThat(claim(gate, List.of("call"), 4)).hasSize(4);
    assertThat(loggedStarts("")).isEqualTo(4);

    Thread.sleep(1_100);
    assertThat(gate.admit("call", "c-0", java.time.Instant.now())).isPresent();
    // Given back and logged anew: not one more (fewer only if the others expired meanwhile, the
    // machine stalling for a second).
    assertThat(loggedStarts("")).isBetween(1, 4);
  }

  private int loggedStarts(String key) {
    return jdbc.queryForObject(
        KairosSchema.DEFAULT.sql(
            "select coalesce(sum(starts), 0) from kairos_limit_start where limit_key = ?"),
        Integer.class,
        key);
  }

  @Test
  void aJobsOwnConcurrencyKeyComesBeforeTheKeyInItsPayload() {
    FlowLimits limits =
        new FlowLimits(
            List.of(
                // No key-from: only the jobs' own keys count.
                new FlowLimit("sync", "*", null, 2, null, null),
                new FlowLimit("export", "customer-*", "/customer", 1, null, null)));
    for (int i = 0; i < 5; i++) {
      job("sync", "a-" + i, "{\"customer\":\"tenant-b\"}", i, "tenant-a");
      job("sync", "b-" + i, "{}", 10 + i, "tenant-b");
    }
    for (int i = 0; i < 3; i++) {
      job("sync", "free-" + i, "{\"customer\":\"tenant-a\"}", 20 + i, null);
    }
    for (int i = 0; i < 3; i++) {
      job("export", "paid-" + i, "{\"customer\":\"customer-1\"}", i, null);
    }
    // The payload names customer-1, the job itself customer-9: it counts as customer-9 only.
    job("export", "own", "{\"customer\":\"customer-1\"}", 10, "customer-9");
    // Its own key does not match customer-*: no limit applies, whatever its payload says.
    job("export", "unmatched", "{\"customer\":\"customer-1\"}", 11, "tenant-z");

    assertThat(byKey(claim(limits, List.of("sync"), 20)))
        .as("2 per own key; the payload is not read without key-from, so free-* have no key")
        .containsEntry("a", 2L)
        .containsEntry("b", 2L)
        .containsEntry("free", 3L);
    assertThat(claim(limits, List.of("export"), 20))
        .containsExactlyInAnyOrder("paid-0", "own", "unmatched");
    assertThat(claim(limits, List.of("sync", "export"), 20)).isEmpty();

    LimitStore store =
        new LimitStore(
            dataSource,
            org.springframework.transaction.support.TransactionOperations.withoutTransaction(),
            KairosSchema.DEFAULT);
    store.declare(limits, "test");
    assertThat(store.waitingFor("sync", "a-3")).contains("limit tenant-a: 2 of 2 running");
    assertThat(store.waitingFor("export", "paid-1")).contains("limit customer-1: 1 of 1 running");
    assertThat(store.usage())
        .anySatisfy(
            usage -> {
              assertThat(usage.key()).isEqualTo("customer-9");
              assertThat(usage.used()).isEqualTo(1);
            });
  }

  @Test
  void aClaimNoLimitCanBindTakesDueOrderAndOneThatCouldBindChoosesWithinTheLimit() {
    FlowLimits limits =
        new FlowLimits(List.of(new FlowLimit("wide", "*", "/customer", 25, null, null)));
    for (int i = 0; i < 30; i++) {
      job("wide", "w-" + i, "{\"customer\":\"c-1\"}", i);
    }
    // 0 running + 20 wanted fits 25: the first 20 in due order.
    List<String> first = claim(limits, List.of("wide"), 20);
    assertThat(first).hasSize(20);
    assertThat(first.stream().mapToInt(id -> Integer.parseInt(id.substring(2))).max()).hasValue(19);
    // 20 running + 20 wanted does not: the claim chooses, and takes only the 5 left.
    assertThat(claim(limits, List.of("wide"), 20)).hasSize(5);
    assertThat(claim(limits, List.of("wide"), 20)).isEmpty();
  }

  @Test
  void aLimitPerKeyReadingNoPayloadNeedsNoKeyFromAndAKeyFromNeedsAKey() {
    assertThat(new FlowLimit("sync", "*", null, 2, null, null).name()).isEqualTo("sync/*");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new FlowLimit("sync", null, "/tenant", 2, null, null))
        .hasMessageStartingWith("key-from:");
  }

  private static Map<String, Long> byKey(List<String> ids) {
    return ids.stream()
        .collect(Collectors.groupingBy(id -> id.replaceAll("-\\d+$", ""), Collectors.counting()));
  }

  private void job(String type, String id, String payload, int order) {
    job(type, id, payload, order, null);
  }

  private void job(String type, String id, String payload, int order, String concurrencyKey) {
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "insert into scheduled_tasks (task_name, task_instance, execution_time, picked, version,"
                + " priority) values (?, ?, now() - make_interval(secs => 1000 - ?), false, 1, 0)"),
        type,
        id,
        order);
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "insert into kairos_job (id, type, payload, max_attempts, priority, request_hash,"
                + " state, concurrency_key) values (?, ?, ?::jsonb, 1, 0, 'x', 'ACTIVE', ?)"),
        id,
        type,
        payload,
        concurrencyKey);
  }

  /** One claim of a worker serving {@code types}; returns the ids it claimed. */
  private List<String> claim(FlowLimits limits, List<String> types, int wanted) {
    return claim(new LimitedClaims(limits, KairosSchema.DEFAULT, dataSource), types, wanted);
  }

  /** One claim of a worker serving {@code types} through {@code gate}; returns the ids. */
  private List<String> claim(LimitedClaims gate, List<String> types, int wanted) {
    List<String> before = picked();
    worker(gate, types).lockAndGetDue(java.time.Instant.now(), wanted);
    List<String> after = picked();
    after.removeAll(before);
    return after;
  }

  /** The task repository of a worker serving {@code types}, claiming through {@code gate}. */
  private com.github.kagkarlsson.scheduler.jdbc.JdbcTaskRepository worker(
      LimitedClaims gate, List<String> types) {
    HeldClaims claims =
        new HeldClaims(
            new ClaimStore(dataSource, KairosSchema.DEFAULT),
            new SystemClock(),
            Duration.ofHours(1));
    held.add(claims);
    ServedTypesLockAndFetch lockAndFetch =
        new ServedTypesLockAndFetch(types, false, claims, KairosSchema.DEFAULT, gate);
    List<OneTimeTask<Void>> tasks =
        types.stream().map(t -> Tasks.oneTime(t).execute((i, c) -> {})).toList();
    return new com.github.kagkarlsson.scheduler.jdbc.JdbcTaskRepository(
        dataSource,
        false,
        lockAndFetch,
        KairosSchema.DEFAULT.table("scheduled_tasks"),
        new com.github.kagkarlsson.scheduler.TaskResolver(
            com.github.kagkarlsson.scheduler.event.SchedulerListeners.NOOP,
            new SystemClock(),
            new ArrayList<>(tasks)),
        new SchedulerName.Fixed("w"),
        true,
        new SystemClock());
  }

  private List<String> picked() {
    return new ArrayList<>(
        jdbc.queryForList(
            KairosSchema.DEFAULT.sql("select task_instance from scheduled_tasks where picked"),
            String.class));
  }
}
