package io.kairos.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.SystemClock;
import io.kairos.control.JobSubmitter;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.log.LogHandler;
import io.kairos.jobtype.noop.NoopHandler;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.FaultProxy;
import io.kairos.testing.KairosFixture;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failover in about a second, with real worker JVMs (the packaged jar) on one database: a worker
 * killed with SIGKILL while it runs a job loses its database session at once, and another worker
 * revives the job and runs it. Measured over {@value #KILLS} kills, the second half while the
 * cluster is busy with other jobs; nothing is lost or run twice. A worker cut off from the database
 * (a partition: its session looks alive) is still handled by the lease: it stops its attempt before
 * the others revive it.
 */
class WorkerFailoverIT {

  static final int KILLS = Integer.getInteger("kairos.failover.kills", 20);
  static final int WORKERS = 4;

  /**
   * The targets (median 1 s, p99 2 s) are asserted with {@code -Dkairos.failover.strict=true}. By
   * default the suite asserts what proves the session path did the work: the lease alone takes more
   * than 5 s to revive, so a p99 within 5 s cannot come from it. The p99 of 20 kills is their
   * slowest but one, too close to 2 s on a shared 2-core machine for a gate every build must pass.
   */
  static final boolean STRICT = Boolean.getBoolean("kairos.failover.strict");

  static final Duration MEDIAN_BOUND = Duration.ofSeconds(STRICT ? 1 : 2);
  static final Duration P99_BOUND = Duration.ofSeconds(STRICT ? 2 : 5);
  static final String LOAD_JOB = "{\"duration\":\"PT0.5S\"}";

  KairosFixture fixture;
  WorkerJvms workers;
  FaultProxy proxy;

  @AfterEach
  void tearDown() throws Exception {
    if (workers != null) {
      workers.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aKilledWorkersJobRunsElsewhereWithinASecondAtTheMedian() throws Exception {
    fixture = new KairosFixture(types(), 8);
    workers = new WorkerJvms(fixture.database, "failover-it");
    for (int i = 1; i <= WORKERS; i++) {
      workers.start("fo-w" + i);
    }
    JobSubmitter submitter = fixture.submitter(new SystemClock());
    List<Long> idle = new ArrayList<>();
    List<Long> loaded = new ArrayList<>();
    List<String> victimJobs = new ArrayList<>();
    int load = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      boolean busy = kill >= KILLS / 2;
      // A live worker besides the victim, so the job has somewhere to go (killed ones restart
      // meanwhile).
      awaitAlive(2);
      if (busy) {
        for (int i = 0; i < 12; i++) {
          submitter.submit(
              fixture.job(
                  "fo-load-" + load++,
                  "noop",
                  fixture.payload(LOAD_JOB),
                  ScheduleSpec.at(Instant.now()),
                  3));
        }
      }
      String job = "fo-job-" + kill;
      victimJobs.add(job);
      submitter.submit(
          fixture.job(
              job,
              "noop",
              fixture.payload("{\"duration\":\"PT2S\"}"),
              ScheduleSpec.at(Instant.now()),
              // A slow machine may kill a job's worker again before it finished elsewhere.
              KILLS + 1));
      String victim = awaitPicked(job, null);
      Process process = workers.process(victim);
      process.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
      long killedAt = System.nanoTime();
      process.waitFor();
      String rescuer = awaitPicked(job, victim);
      long millis = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
      (busy ? loaded : idle).add(millis);
      System.out.printf(
          "kill %d (%s): job %s of %s picked by %s %d ms after SIGKILL%n",
          kill + 1, busy ? "busy" : "idle", job, victim, rescuer, millis);
      workers.start(victim);
    }

    await()
        .atMost(WorkerJvms.PATIENCE)
        .until(() -> count("select count(*) from kairos_job where state <> 'COMPLETED'") == 0);
    List<Long> all = new ArrayList<>(idle);
    all.addAll(loaded);
    System.out.printf(
        "failover after SIGKILL over %d kills: median %d ms, p99 %d ms (idle: median %d ms, max %d"
            + " ms; busy: median %d ms, max %d ms)%n",
        all.size(),
        percentile(all, 50),
        percentile(all, 99),
        percentile(idle, 50),
        percentile(idle, 100),
        percentile(loaded, 50),
        percentile(loaded, 100));
    assertThat(
            count(
                "select count(*) from (select job_id from kairos_job_run where outcome ="
                    + " 'SUCCEEDED' group by job_id having count(*) = 1) once"))
        .as("jobs with exactly one SUCCEEDED attempt")
        .isEqualTo(count("select count(*) from kairos_job"));
    for (String job : victimJobs) {
      List<Map<String, Object>> runs =
          fixture.jdbc.queryForList(
              KairosSchema.DEFAULT.sql(
                  "select node, outcome, recovered from kairos_job_run where job_id = ? order by id"),
              job);
      // Killed at least once (a later victim may have held it again), then run once, elsewhere.
      assertThat(runs.size()).isGreaterThanOrEqualTo(2);
      Map<String, Object> last = runs.get(runs.size() - 1);
      assertThat(last).containsEntry("outcome", "SUCCEEDED").containsEntry("recovered", true);
      for (Map<String, Object> lost : runs.subList(0, runs.size() - 1)) {
        assertThat(lost).containsEntry("outcome", "WORKER_DIED");
        assertThat(last.get("node")).isNotEqualTo(runs.get(runs.size() - 2).get("node"));
      }
    }
    assertThat(percentile(all, 50))
        .as("median failover, ms")
        .isLessThanOrEqualTo(MEDIAN_BOUND.toMillis());
    assertThat(percentile(all, 99))
        .as("p99 failover, ms")
        .isLessThanOrEqualTo(P99_BOUND.toMillis());
  }

  @Test
  void aPartitionedWorkerStopsItsAttemptBeforeItIsRevivedElsewhere() throws Exception {
    fixture = new KairosFixture(types(), 8);
    workers = new WorkerJvms(fixture.database, "failover-it");
    URI uri = URI.create(fixture.database.jdbcUrl().substring(5));
    proxy = new FaultProxy(uri.getHost(), uri.getPort());
    String proxied = proxy.proxiedUrl(fixture.database.jdbcUrl());
    String separator = proxied.contains("?") ? "&" : "?";
    workers.startOn(proxied + separator + "socketTimeout=4&connectTimeout=2", "fo-cut");
    awaitAlive(1);
    JobSubmitter submitter = fixture.submitter(new SystemClock());
    submitter.submit(
        fixture.job(
            "fo-cut-job",
            "noop",
            fixture.payload("{\"duration\":\"PT10M\"}"),
            ScheduleSpec.at(Instant.now()),
            3));
    assertThat(awaitPicked("fo-cut-job", null)).isEqualTo("fo-cut");
    workers.start("fo-rescuer");
    awaitAlive(2);

    proxy.blackhole(); // its session looks alive to PostgreSQL: only the lease can tell
    assertThat(awaitPicked("fo-cut-job", "fo-cut")).isEqualTo("fo-rescuer");
    // Revival is the moment the WORKER_DIED row was written and the execution handed over.
    Instant revived =
        fixture
            .jdbc
            .queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select finished_at from kairos_job_run where job_id = 'fo-cut-job' and"
                        + " outcome = 'WORKER_DIED' and node = 'fo-cut'"),
                Timestamp.class)
            .toInstant();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                loggedAt(workers.logOf("fo-cut"), "Dropping the result of job fo-cut-job")
                    .isPresent());
    Instant stopped =
        loggedAt(workers.logOf("fo-cut"), "Dropping the result of job fo-cut-job").get();
    System.out.printf(
        "partition: the cut-off worker's attempt ended %d ms before its revival%n",
        Duration.between(stopped, revived).toMillis());
    assertThat(stopped).isBefore(revived);
  }

  private static Map<JobType<?>, JobHandler<?>> types() {
    return Map.of(BuiltInJobTypes.NOOP, new NoopHandler(), BuiltInJobTypes.LOG, new LogHandler());
  }

  /** Waits for the job's execution to be picked by a node other than {@code not}; returns it. */
  private String awaitPicked(String job, String not) {
    String[] by = new String[1];
    await()
        .atMost(Duration.ofMinutes(1))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              List<String> picked =
                  fixture.jdbc.queryForList(
                      KairosSchema.DEFAULT.sql(
                          "select picked_by from scheduled_tasks where task_instance = ? and"
                              + " picked"),
                      String.class,
                      job);
              if (picked.isEmpty() || picked.get(0) == null || picked.get(0).equals(not)) {
                return false;
              }
              by[0] = picked.get(0);
              return true;
            });
    return by[0];
  }

  /** Waits until at least {@code n} workers are registered, not stopped, and hold a session. */
  private void awaitAlive(int n) {
    await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                fixture.nodes.states(Duration.ofSeconds(3), Duration.ofSeconds(5)).stream()
                        .filter(s -> s.status() == io.kairos.node.NodeState.Status.ALIVE)
                        .count()
                    >= n);
  }

  private static long percentile(List<Long> values, int percent) {
    List<Long> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static final Pattern LOG_TIME = Pattern.compile("^(\\S+)Z ");

  private static Optional<Instant> loggedAt(Path log, String text) throws Exception {
    try (Stream<String> lines = Files.lines(log)) {
      return lines
          .filter(line -> line.contains(text))
          .findFirst()
          .map(
              line -> {
                Matcher m = LOG_TIME.matcher(line);
                return m.find() ? LocalDateTime.parse(m.group(1)).toInstant(ZoneOffset.UTC) : null;
              });
    }
  }

  private int count(String sql) {
    return fixture.jdbc.queryForObject(KairosSchema.DEFAULT.sql(sql), Integer.class);
  }
}
