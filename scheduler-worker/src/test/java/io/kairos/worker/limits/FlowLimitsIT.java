package io.kairos.worker.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.SystemClock;
import io.kairos.control.JobSubmitter;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three real worker JVMs under flow limits, one killed with SIGKILL while it holds slots of a
 * limited key. From the run history's start and finish times: a busy customer never has more than 2
 * exports running while other customers' exports start at once; a type limited to 3 never runs
 * more; a partner limited to 5 calls per second never gets more starts in any second. A killed
 * worker's attempt counts as running until it is revived (its history row ends then), so the limit
 * holds with its slots too. Tenant syncs carry their key themselves ({@code concurrencyKey}, no
 * pointer into the payload): a tenant with a backlog never has more than 2 running while another
 * tenant's syncs run beside them.
 */
class FlowLimitsIT {

  static final String BUSY = "customer-1";
  static final int BUSY_JOBS = 16;
  static final int OTHER_KEYS = 6;
  static final int REPORTS = 15;
  static final int CALLS_PER_PARTNER = 15;
  static final int BUSY_TENANT_SYNCS = 10;
  static final int OTHER_TENANT_SYNCS = 3;

  final List<Process> workers = new ArrayList<>();
  KairosFixture fixture;

  @AfterEach
  void tearDown() {
    workers.forEach(Process::destroyForcibly);
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void limitsHoldAcrossWorkersAndSigkillWhileOtherKeysRunAtFullSpeed() throws Exception {
    Map<JobType<?>, JobHandler<?>> known =
        Map.of(
            new JobType<>("customer-export", LimitedApp.CustomerExport.class, ""),
            (p, c) -> {},
            new JobType<>("report-build", LimitedApp.ReportBuild.class, ""),
            (p, c) -> {},
            new JobType<>("partner-call", LimitedApp.PartnerCall.class, ""),
            (p, c) -> {},
            new JobType<>("tenant-sync", LimitedApp.TenantSync.class, ""),
            (p, c) -> {});
    fixture = new KairosFixture(known, 4);
    for (int i = 1; i <= 3; i++) {
      workers.add(startWorker("limits-w" + i));
    }
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> count("select count(*) from kairos_node where state = 'RUNNING'") == 3);

    JobSubmitter submitter = fixture.submitter(new SystemClock());
    for (int i = 0; i < BUSY_JOBS; i++) {
      submit(
          submitter,
          "busy-" + i,
          "customer-export",
          "{\"customer\":\"" + BUSY + "\",\"millis\":600}");
    }
    Instant othersCreated = Instant.now();
    for (int k = 2; k < 2 + OTHER_KEYS; k++) {
      for (int i = 0; i < 2; i++) {
        submit(
            submitter,
            "other-" + k + "-" + i,
            "customer-export",
            "{\"customer\":\"customer-" + k + "\",\"millis\":600}");
      }
    }
    for (int i = 0; i < REPORTS; i++) {
      submit(submitter, "report-" + i, "report-build", "{\"millis\":400}");
    }
    for (int i = 0; i < CALLS_PER_PARTNER; i++) {
      submit(submitter, "call-a-" + i, "partner-call", "{\"partner\":\"https://a.example/api\"}");
      submit(submitter, "call-b-" + i, "partner-call", "{\"partner\":\"https://b.example/v2\"}");
    }
    // Kill a worker that holds a slot of the busy customer.
    String holder =
        "select picked_by from scheduled_tasks where picked and task_instance like 'busy-%'";
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                !fixture
                    .jdbc
                    .queryForList(KairosSchema.DEFAULT.sql(holder), String.class)
                    .isEmpty());
    String victimName =
        fixture.jdbc.queryForList(KairosSchema.DEFAULT.sql(holder), String.class).get(0);
    Process victim = workers.get(Integer.parseInt(victimName.substring("limits-w".length())) - 1);
    victim.destroyForcibly(); // SIGKILL: no drain, no shutdown hook; its slots stay taken
    victim.waitFor();
    // Tenant syncs, after the kill so they do not compete with the exports above: the payload
    // names no tenant, each sync's key is its own. The busy tenant's backlog is created first, so
    // the other's syncs are behind it in claim order.
    for (int i = 0; i < BUSY_TENANT_SYNCS; i++) {
      submitWithKey(submitter, "sync-a-" + i, "tenant-sync", "{\"millis\":500}", "tenant-a");
    }
    Instant otherTenantCreated = Instant.now();
    for (int i = 0; i < OTHER_TENANT_SYNCS; i++) {
      submitWithKey(submitter, "sync-b-" + i, "tenant-sync", "{\"millis\":500}", "tenant b/ü");
    }

    int total =
        BUSY_JOBS
            + 2 * OTHER_KEYS
            + REPORTS
            + 2 * CALLS_PER_PARTNER
            + BUSY_TENANT_SYNCS
            + OTHER_TENANT_SYNCS;
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> count("select count(*) from kairos_job where state = 'COMPLETED'") == total);

    assertThat(count("select count(*) from kairos_job_run where outcome = 'WORKER_DIED'"))
        .as("the killed worker's attempts, recorded at revival")
        .isPositive();
    assertThat(maxRunningAtOnce("customer-export", "busy-%")).isEqualTo(2);
    for (int k = 2; k < 2 + OTHER_KEYS; k++) {
      assertThat(maxRunningAtOnce("customer-export", "other-" + k + "-%")).isLessThanOrEqualTo(2);
    }
    assertThat(maxRunningAtOnce("report-build", "report-%")).isBetween(1, 3);
    assertThat(maxStartsWithin("call-a-%", Duration.ofSeconds(1))).isLessThanOrEqualTo(5);
    assertThat(maxStartsWithin("call-b-%", Duration.ofSeconds(1))).isLessThanOrEqualTo(5);
    assertThat(maxRunningAtOnce("tenant-sync", "sync-a-%")).isEqualTo(2);
    int otherTenant = maxRunningAtOnce("tenant-sync", "sync-b-%");
    assertThat(otherTenant).isBetween(1, 2);
    assertThat(maxRunningAtOnce("tenant-sync", "sync-%"))
        .as("both tenants ran at once: their limits are separate")
        .isGreaterThan(2);
    Instant otherTenantStartedBy = lastStart("sync-b-%");
    System.out.printf(
        "other tenant's syncs all started %d ms after creation; busy tenant done after %d ms%n",
        Duration.between(otherTenantCreated, otherTenantStartedBy).toMillis(),
        Duration.between(otherTenantCreated, lastFinish("sync-a-%")).toMillis());
    assertThat(otherTenantStartedBy).isBefore(lastFinish("sync-a-%"));

    // Other customers were not held back by the busy one: each export started within moments of
    // its creation, long before the busy customer's backlog (16 × 600 ms, 2 at a time) was done.
    Instant othersStartedBy = lastStart("other-%");
    Instant busyDoneBy = lastFinish("busy-%");
    System.out.printf(
        "other customers all started %d ms after creation; busy customer done after %d ms%n",
        Duration.between(othersCreated, othersStartedBy).toMillis(),
        Duration.between(othersCreated, busyDoneBy).toMillis());
    assertThat(othersStartedBy).isBefore(busyDoneBy);
    assertThat(Duration.between(othersCreated, othersStartedBy)).isLessThan(Duration.ofSeconds(3));
  }

  /** The most attempts of these jobs running at one instant, from history (all outcomes). */
  private int maxRunningAtOnce(String type, String jobs) {
    List<Map<String, Object>> runs =
        fixture.jdbc.queryForList(
            KairosSchema.DEFAULT.sql(
                "select job_id, node, outcome, started_at, finished_at from kairos_job_run where"
                    + " job_type = ? and job_id like ? order by started_at"),
            type,
            jobs);
    TreeMap<Instant, Integer> deltas = new TreeMap<>();
    for (Map<String, Object> run : runs) {
      // An end and a start at one instant: the end first (the slot was free again).
      deltas.merge(((Timestamp) run.get("started_at")).toInstant(), 1, Integer::sum);
      deltas.merge(((Timestamp) run.get("finished_at")).toInstant(), -1, Integer::sum);
    }
    int now = 0;
    int max = 0;
    for (int delta : deltas.values()) {
      now += delta;
      max = Math.max(max, now);
    }
    System.out.printf(
        "%s %s: at most %d running at once (%d runs)%n", type, jobs, max, runs.size());
    if (max > 2) {
      runs.forEach(run -> System.out.println("  " + run));
    }
    return max;
  }

  /**
   * The most starts of these jobs within any window of this length, from history. A killed worker's
   * attempt is left out: its row's start is the claim's last heartbeat, not when it began (nothing
   * is written at a start); the attempt itself began earlier, under the limit.
   */
  private int maxStartsWithin(String jobs, Duration window) {
    List<Instant> starts =
        fixture
            .jdbc
            .queryForList(
                KairosSchema.DEFAULT.sql(
                    "select started_at from kairos_job_run where job_id like ? and outcome <>"
                        + " 'WORKER_DIED' order by started_at"),
                Timestamp.class,
                jobs)
            .stream()
            .map(Timestamp::toInstant)
            .toList();
    int max = 0;
    for (int i = 0, j = 0; i < starts.size(); i++) {
      while (!starts.get(j).isAfter(starts.get(i).minus(window))) {
        j++;
      }
      max = Math.max(max, i - j + 1);
    }
    System.out.printf(
        "%s: at most %d starts within %s (%d runs)%n", jobs, max, window, starts.size());
    return max;
  }

  private Instant lastStart(String jobs) {
    return fixture
        .jdbc
        .queryForObject(
            KairosSchema.DEFAULT.sql(
                "select max(started_at) from kairos_job_run where job_id like ?"),
            Timestamp.class,
            jobs)
        .toInstant();
  }

  private Instant lastFinish(String jobs) {
    return fixture
        .jdbc
        .queryForObject(
            KairosSchema.DEFAULT.sql(
                "select max(finished_at) from kairos_job_run where job_id like ?"),
            Timestamp.class,
            jobs)
        .toInstant();
  }

  private void submit(JobSubmitter submitter, String id, String type, String payload) {
    submitter.submit(
        fixture.job(id, type, fixture.payload(payload), ScheduleSpec.at(Instant.now()), 3));
  }

  private void submitWithKey(
      JobSubmitter submitter, String id, String type, String payload, String concurrencyKey) {
    NewJob job = fixture.job(id, type, fixture.payload(payload), ScheduleSpec.at(Instant.now()), 3);
    submitter.submit(
        new NewJob(
            job.id(),
            job.type(),
            job.group(),
            job.payload(),
            job.schedule(),
            job.maxAttempts(),
            job.priority(),
            job.requestHash(),
            job.createdBy(),
            job.timeout(),
            job.misfireGrace(),
            job.notifyTargets(),
            concurrencyKey));
  }

  private Process startWorker(String node) throws Exception {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classPath,
                LimitedApp.class.getName()));
    command.add("--spring.datasource.url=" + fixture.database.jdbcUrl());
    command.add("--spring.datasource.username=" + fixture.database.user());
    if (fixture.database.password() != null) {
      command.add("--spring.datasource.password=" + fixture.database.password());
    }
    command.add("--kairos.worker.node-name=" + node);
    command.add("--db-scheduler.threads=4");
    command.add("--kairos.housekeeping.enabled=false");
    command.add("--kairos.flow.limits[0].type=customer-export");
    command.add("--kairos.flow.limits[0].key=customer-*");
    command.add("--kairos.flow.limits[0].key-from=/customer");
    command.add("--kairos.flow.limits[0].max-running=2");
    command.add("--kairos.flow.limits[1].type=report-build");
    command.add("--kairos.flow.limits[1].max-running=3");
    command.add("--kairos.flow.limits[2].type=partner-call");
    command.add("--kairos.flow.limits[2].key=*");
    command.add("--kairos.flow.limits[2].key-from=/partner");
    command.add("--kairos.flow.limits[2].max-starts=5");
    command.add("--kairos.flow.limits[2].per=1s");
    // A limit per key without key-from: the jobs' own concurrency keys.
    command.add("--kairos.flow.limits[3].type=tenant-sync");
    command.add("--kairos.flow.limits[3].key=*");
    command.add("--kairos.flow.limits[3].max-running=2");
    Path log = Path.of(System.getProperty("basedir", "."), "target", "limits-it", node + ".log");
    Files.createDirectories(log.getParent());
    Files.deleteIfExists(log);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .directory(new File(System.getProperty("java.io.tmpdir")))
        .start();
  }

  private int count(String sql) {
    return fixture.jdbc.queryForObject(KairosSchema.DEFAULT.sql(sql), Integer.class);
  }
}
