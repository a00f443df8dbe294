package io.kairos.worker.heterogeneous;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.SystemClock;
import io.kairos.control.JobSubmitter;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.noop.NoopHandler;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real JVMs on one task table: two applications with disjoint job types of their own (two instances
 * of one of them) and the stock worker serving the built-in types. Each worker claims only what it
 * serves; one application instance is killed with SIGKILL mid-run; every job still ends with
 * exactly one SUCCEEDED attempt, and every attempt ran on a worker serving its type.
 */
class HeterogeneousClusterIT {

  static final int JOBS_PER_TYPE = 20;

  final List<Process> processes = new ArrayList<>();
  KairosFixture fixture;

  @AfterEach
  void tearDown() {
    processes.forEach(Process::destroyForcibly);
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void eachJobRunsExactlyOnceOnAWorkerServingItsTypeThoughOneApplicationInstanceIsKilled()
      throws Exception {
    Map<JobType<?>, JobHandler<?>> known =
        Map.of(
            BuiltInJobTypes.NOOP,
            new NoopHandler(),
            new JobType<>("monthly-report", ReportsApp.MonthlyReport.class, ""),
            (p, c) -> {},
            new JobType<>("invoice-reminder", BillingApp.InvoiceReminder.class, ""),
            (p, c) -> {});
    fixture = new KairosFixture(known, 4);
    Process reports1 = startApplication(ReportsApp.class, "reports-1");
    processes.add(reports1);
    processes.add(startApplication(ReportsApp.class, "reports-2"));
    processes.add(startApplication(BillingApp.class, "billing-1"));
    processes.add(startStockWorker("stock-1"));
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                count(
                        KairosSchema.DEFAULT.sql(
                            "select count(*) from kairos_node where state = 'RUNNING'"))
                    == 4);

    JobSubmitter submitter = fixture.submitter(new SystemClock());
    for (int i = 0; i < JOBS_PER_TYPE; i++) {
      submit(submitter, "report-" + i, "monthly-report", "{\"customer\":\"c" + i + "\"}");
      submit(submitter, "reminder-" + i, "invoice-reminder", "{\"invoiceId\":\"I" + i + "\"}");
      submit(submitter, "noop-" + i, "noop", "{}");
    }

    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                count(
                        KairosSchema.DEFAULT.sql(
                            "select count(*) from scheduled_tasks where picked and picked_by ="
                                + " 'reports-1'"))
                    > 0);
    reports1.destroyForcibly(); // SIGKILL: no drain, its heartbeats just stop
    reports1.waitFor();

    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                count(
                        KairosSchema.DEFAULT.sql(
                            "select count(*) from kairos_job where state = 'COMPLETED'"))
                    == 3 * JOBS_PER_TYPE);

    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from (select job_id from kairos_job_run where outcome ="
                        + " 'SUCCEEDED' group by job_id having count(*) = 1) once")))
        .as("jobs with exactly one SUCCEEDED attempt")
        .isEqualTo(3 * JOBS_PER_TYPE);
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where outcome = 'SUCCEEDED'")))
        .isEqualTo(3 * JOBS_PER_TYPE);
    assertThat(runsOutside("monthly-report", "reports-1", "reports-2")).isEmpty();
    assertThat(runsOutside("invoice-reminder", "billing-1")).isEmpty();
    assertThat(runsOutside("noop", "stock-1")).isEmpty();
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where node = 'reports-1' and outcome ="
                        + " 'WORKER_DIED'")))
        .as("attempts lost with the killed instance")
        .isPositive();
    // The survivors claimed nothing of another application's type: no execution was ever picked by
    // a worker that does not serve it, so none was revived for that reason.
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where outcome = 'WORKER_DIED' and node <>"
                        + " 'reports-1'")))
        .isZero();
    for (Process process : processes) {
      if (process != reports1) {
        assertThat(process.isAlive()).isTrue();
      }
    }
  }

  private List<Map<String, Object>> runsOutside(String type, String... nodes) {
    return fixture.jdbc.queryForList(
        KairosSchema.DEFAULT.sql(
            "select job_id, node, outcome from kairos_job_run where job_type = ? and node <> all(?)"),
        type,
        nodes);
  }

  private void submit(JobSubmitter submitter, String id, String type, String payload) {
    submitter.submit(
        fixture.job(id, type, fixture.payload(payload), ScheduleSpec.at(Instant.now()), 3));
  }

  private Process startApplication(Class<?> application, String node) throws Exception {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1"));
    command.add("-cp");
    command.add(classPath);
    command.add(application.getName());
    command.addAll(common(node));
    return start(node, command);
  }

  private Process startStockWorker(String node) throws Exception {
    Path jar = Path.of(System.getProperty("basedir", "."), "target", "scheduler-worker-exec.jar");
    assertThat(jar).exists();
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1"));
    command.add("-jar");
    command.add(jar.toString());
    command.add("--server.port=0");
    command.addAll(common(node));
    return start(node, command);
  }

  private List<String> common(String node) {
    List<String> options = new ArrayList<>();
    options.add("--spring.datasource.url=" + fixture.database.jdbcUrl());
    options.add("--spring.datasource.username=" + fixture.database.user());
    if (fixture.database.password() != null) {
      options.add("--spring.datasource.password=" + fixture.database.password());
    }
    options.add("--kairos.worker.node-name=" + node);
    options.add("--db-scheduler.threads=4");
    options.add("--kairos.housekeeping.enabled=false");
    return options;
  }

  private static Process start(String node, List<String> command) throws Exception {
    Path log =
        Path.of(System.getProperty("basedir", "."), "target", "heterogeneous-it", node + ".log");
    Files.createDirectories(log.getParent());
    Files.deleteIfExists(log);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .directory(new File(System.getProperty("java.io.tmpdir")))
        .start();
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private int count(String sql) {
    return fixture.jdbc.queryForObject(sql, Integer.class);
  }
}
