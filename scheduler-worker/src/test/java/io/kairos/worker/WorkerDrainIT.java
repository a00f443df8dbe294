package io.kairos.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.SystemClock;
import io.kairos.control.JobSubmitter;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.noop.NoopHandler;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real worker JVM sent SIGTERM while it runs jobs and holds claims it has not started: it hands
 * those back at once, lets what can finish within {@code kairos.worker.drain-timeout} finish, stops
 * the rest and exits within the timeout plus a few seconds; the next worker revives what it left at
 * once. Every job runs to success exactly once.
 */
class WorkerDrainIT {

  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(3);

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
  void sigtermHandsBackUnstartedClaimsFinishesWhatItCanAndExitsWithinTheDrainTimeout()
      throws Exception {
    fixture = new KairosFixture(Map.of(BuiltInJobTypes.NOOP, new NoopHandler()), 4);
    workers = new WorkerJvms(fixture.database, "drain-it");
    Process victim = start("drain-w1");
    await()
        .atMost(WorkerJvms.PATIENCE)
        .until(() -> count("select count(*) from kairos_node where state = 'RUNNING'") == 1);

    // Three threads claim up to six: the two long jobs and the short one run (earliest first),
    // the three others wait in the worker's queue.
    JobSubmitter submitter = fixture.submitter(new SystemClock());
    Instant now = Instant.now();
    submit(submitter, "drain-long-1", "PT8S", now.minusSeconds(30));
    submit(submitter, "drain-long-2", "PT8S", now.minusSeconds(29));
    submit(submitter, "drain-short", "PT1S", now.minusSeconds(28));
    for (int i = 1; i <= 3; i++) {
      submit(submitter, "drain-queued-" + i, "PT1S", now.minusSeconds(20));
    }
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                count(
                        "select count(*) from scheduled_tasks where picked and picked_by ="
                            + " 'drain-w1'")
                    == 6);
    Thread.sleep(300); // the three running attempts have begun

    victim.destroy(); // SIGTERM
    long termAt = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                count(
                        "select count(*) from scheduled_tasks where task_instance like"
                            + " 'drain-queued-%' and not picked")
                    == 3);
    long handedBack = Duration.ofNanos(System.nanoTime() - termAt).toMillis();
    assertThat(victim.waitFor(DRAIN_TIMEOUT.plusSeconds(10).toSeconds(), TimeUnit.SECONDS))
        .as("the worker exits within the drain timeout plus a few seconds")
        .isTrue();
    long exited = Duration.ofNanos(System.nanoTime() - termAt).toMillis();
    System.out.printf(
        "drain: unstarted claims handed back %d ms after SIGTERM, exited after %d ms (timeout"
            + " %d ms)%n",
        handedBack, exited, DRAIN_TIMEOUT.toMillis());
    assertThat(exited).isLessThanOrEqualTo(DRAIN_TIMEOUT.plusSeconds(5).toMillis());
    assertThat(runs("drain-short")).containsExactly(List.of("drain-w1", "SUCCEEDED", false));

    start("drain-w2");
    await()
        .atMost(WorkerJvms.PATIENCE)
        .until(() -> count("select count(*) from kairos_job where state <> 'COMPLETED'") == 0);
    for (String job : List.of("drain-long-1", "drain-long-2")) {
      assertThat(runs(job))
          .containsExactly(
              List.of("drain-w1", "WORKER_DIED", false), List.of("drain-w2", "SUCCEEDED", true));
    }
    for (int i = 1; i <= 3; i++) {
      assertThat(runs("drain-queued-" + i))
          .containsExactly(List.of("drain-w2", "SUCCEEDED", false));
    }
    assertThat(Files.readString(workers.logOf("drain-w2")))
        .as("the draining worker's leftovers were revived on its ended session, not its heartbeats")
        .contains("Node drain-w1 lost its database session: declared dead");
  }

  private void submit(JobSubmitter submitter, String id, String duration, Instant at) {
    submitter.submit(
        fixture.job(
            id,
            "noop",
            fixture.payload("{\"duration\":\"" + duration + "\"}"),
            ScheduleSpec.at(at),
            3));
  }

  private List<List<Object>> runs(String job) {
    return fixture.jdbc.query(
        KairosSchema.DEFAULT.sql(
            "select node, outcome, recovered from kairos_job_run where job_id = ? order by id"),
        (rs, row) -> List.of(rs.getString(1), rs.getString(2), rs.getBoolean(3)),
        job);
  }

  private Process start(String name) throws Exception {
    return workers.start(
        name,
        "--kairos.worker.drain-timeout=" + DRAIN_TIMEOUT.toSeconds() + "s",
        "--db-scheduler.threads=3");
  }

  private int count(String sql) {
    return fixture.jdbc.queryForObject(KairosSchema.DEFAULT.sql(sql), Integer.class);
  }
}
