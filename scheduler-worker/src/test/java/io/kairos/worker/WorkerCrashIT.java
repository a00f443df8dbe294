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
import io.kairos.testing.KairosFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real worker JVMs (the packaged jar) on one database; one is killed with SIGKILL while it holds
 * executions. Nothing may be lost or run twice, and the dead worker's executions must be re-run by
 * the others within the dead-after window.
 */
class WorkerCrashIT {

  static final int JOBS = 30;
  static final Duration JOB_DURATION = Duration.ofSeconds(3);

  /** heartbeat-interval × missed-heartbeats-limit + detection every 2 × heartbeat-interval. */
  static final Duration REVIVAL_BOUND = Duration.ofSeconds(10);

  KairosFixture fixture;
  WorkerJvms workers;

  @AfterEach
  void tearDown() {
    if (workers != null) {
      workers.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aWorkerKilledWithSigkillLosesNothingAndItsJobsRunOnceMoreElsewhere() throws Exception {
    Map<JobType<?>, JobHandler<?>> types =
        Map.of(BuiltInJobTypes.NOOP, new NoopHandler(), BuiltInJobTypes.LOG, new LogHandler());
    fixture = new KairosFixture(types, 4);
    workers = new WorkerJvms(fixture.database, "crash-it");
    for (int i = 1; i <= 3; i++) {
      workers.start("crash-w" + i);
    }
    await()
        .atMost(WorkerJvms.PATIENCE)
        .until(
            () ->
                count(
                        KairosSchema.DEFAULT.sql(
                            "select count(*) from kairos_node where state = 'RUNNING'"))
                    == 3);

    JobSubmitter submitter = fixture.submitter(new SystemClock());
    for (int i = 0; i < JOBS; i++) {
      submitter.submit(
          fixture.job(
              "crash-job-" + i,
              "noop",
              fixture.payload("{\"duration\":\"" + JOB_DURATION + "\"}"),
              ScheduleSpec.at(Instant.now()),
              3));
    }

    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                count(
                        KairosSchema.DEFAULT.sql(
                            "select count(*) from scheduled_tasks where picked and picked_by = 'crash-w1'"))
                    > 0);
    List<String> victims =
        fixture.jdbc.queryForList(
            KairosSchema.DEFAULT.sql(
                "select task_instance from scheduled_tasks where picked and picked_by = 'crash-w1'"),
            String.class);
    Process victim = workers.process("crash-w1");
    victim.destroyForcibly(); // SIGKILL: no shutdown hook, no drain, heartbeats just stop
    Instant killedAt = Instant.now();
    victim.waitFor();

    await()
        .atMost(WorkerJvms.PATIENCE)
        .until(
            () ->
                count(
                        KairosSchema.DEFAULT.sql(
                            "select count(*) from kairos_job where state = 'COMPLETED'"))
                    == JOBS);

    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from (select job_id from kairos_job_run where outcome ="
                        + " 'SUCCEEDED' group by job_id having count(*) = 1) once")))
        .as("jobs with exactly one SUCCEEDED attempt")
        .isEqualTo(JOBS);
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where outcome = 'RUNNING'")))
        .isZero();
    assertThat(victims).isNotEmpty();
    for (String job : victims) {
      List<Map<String, Object>> runs =
          fixture.jdbc.queryForList(
              KairosSchema.DEFAULT.sql(
                  "select node, outcome, recovered, started_at, finished_at from kairos_job_run"
                      + " where job_id = ? order by id"),
              job);
      // The last attempt ran elsewhere, once, flagged as a recovery.
      Map<String, Object> last = runs.get(runs.size() - 1);
      assertThat(last).containsEntry("outcome", "SUCCEEDED").containsEntry("recovered", true);
      assertThat(last.get("node")).isNotEqualTo("crash-w1");
      // Revival records the lost attempt from the execution crash-w1 had claimed.
      assertThat(runs).hasSize(2);
      assertThat(runs.get(0))
          .containsEntry("node", "crash-w1")
          .containsEntry("outcome", "WORKER_DIED");
      // Revival is the moment another worker declared the attempt dead and rescheduled it; the
      // re-run then starts as soon as a thread is free.
      Instant revived = ((Timestamp) runs.get(0).get("finished_at")).toInstant();
      Instant rerun = ((Timestamp) last.get("started_at")).toInstant();
      System.out.printf(
          "job %s revived %d ms and re-run %d ms after SIGKILL%n",
          job,
          Duration.between(killedAt, revived).toMillis(),
          Duration.between(killedAt, rerun).toMillis());
      assertThat(Duration.between(killedAt, revived)).isLessThanOrEqualTo(REVIVAL_BOUND);
    }
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where recovered and job_id not in ("
                        + "select job_id from kairos_job_run where outcome = 'WORKER_DIED')")))
        .as("recovered runs without a lost attempt before them")
        .isZero();
  }

  @Test
  void aWorkerKilledWhileItsResultsWaitForTheirBatchHasEachOfThemRunOnceMoreElsewhere()
      throws Exception {
    Map<JobType<?>, JobHandler<?>> types =
        Map.of(BuiltInJobTypes.NOOP, new NoopHandler(), BuiltInJobTypes.LOG, new LogHandler());
    fixture = new KairosFixture(types, 4);
    workers = new WorkerJvms(fixture.database, "crash-it");
    // Results wait a minute for their batch, so the kill lands while they wait.
    Process victim =
        workers.start(
            "batch-w1",
            "--kairos.worker.completion-linger=60s",
            "--kairos.worker.completion-batch-size=1000");
    await()
        .atMost(WorkerJvms.PATIENCE)
        .until(
            () ->
                count(
                        KairosSchema.DEFAULT.sql(
                            "select count(*) from kairos_node where state = 'RUNNING'"))
                    == 1);

    JobSubmitter submitter = fixture.submitter(new SystemClock());
    int jobs = 8;
    for (int i = 0; i < jobs; i++) {
      submitter.submit(
          fixture.job(
              "batch-job-" + i,
              "log",
              fixture.payload("{\"message\":\"ran batch-job-" + i + "\"}"),
              ScheduleSpec.at(Instant.now()),
              3));
    }
    // Its threads hand each result over and go on: all eight handlers run (the log shows it), and
    // their results wait for the flush.
    Path victimLog = workers.logOf("batch-w1");
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> handlerRunsIn(victimLog) == jobs);
    // Longer than the dead-after window (1 s × 5): the worker keeps renewing the claims of the
    // waiting results, so not even its own dead-execution check takes them for dead.
    Thread.sleep(7_000);
    List<String> waiting =
        fixture.jdbc.queryForList(
            KairosSchema.DEFAULT.sql(
                "select task_instance from scheduled_tasks where picked and picked_by = 'batch-w1'"
                    + " and last_heartbeat > now() - interval '3 seconds'"),
            String.class);
    assertThat(waiting).hasSize(jobs);
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where job_id like 'batch-job-%'")))
        .as("nothing flushed yet, nothing revived")
        .isZero();
    victim.destroyForcibly();
    victim.waitFor();

    workers.start("batch-w2");
    await()
        .atMost(WorkerJvms.PATIENCE)
        .until(
            () ->
                count(
                        KairosSchema.DEFAULT.sql(
                            "select count(*) from kairos_job where id like 'batch-job-%'"
                                + " and state = 'COMPLETED'"))
                    == jobs);

    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from (select job_id from kairos_job_run where outcome ="
                        + " 'SUCCEEDED' and job_id like 'batch-job-%' group by job_id"
                        + " having count(*) = 1) once")))
        .as("jobs with exactly one SUCCEEDED attempt")
        .isEqualTo(jobs);
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where outcome = 'SUCCEEDED'"
                        + " and job_id like 'batch-job-%'")))
        .isEqualTo(jobs);
    for (String job : waiting) {
      List<Map<String, Object>> runs =
          fixture.jdbc.queryForList(
              KairosSchema.DEFAULT.sql(
                  "select node, outcome, recovered from kairos_job_run where job_id = ? order by id"),
              job);
      assertThat(runs).hasSize(2);
      assertThat(runs.get(0))
          .containsEntry("node", "batch-w1")
          .containsEntry("outcome", "WORKER_DIED");
      assertThat(runs.get(1))
          .containsEntry("node", "batch-w2")
          .containsEntry("outcome", "SUCCEEDED")
          .containsEntry("recovered", true);
    }
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job_run where recovered and job_id not in ("
                        + "select job_id from kairos_job_run where outcome = 'WORKER_DIED')")))
        .as("only the killed batch's executions were re-run as recoveries")
        .isZero();
  }

  private static long handlerRunsIn(Path log) throws Exception {
    if (!Files.exists(log)) {
      return 0;
    }
    try (var lines = Files.lines(log)) {
      return lines.filter(line -> line.contains("] ran batch-job-")).count();
    }
  }

  private int count(String sql) {
    return fixture.jdbc.queryForObject(sql, Integer.class);
  }
}
