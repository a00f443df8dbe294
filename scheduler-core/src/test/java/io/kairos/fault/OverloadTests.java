package io.kairos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kairos.control.JobSubmitter;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs arrive at 1.5× what the cluster can run (two workers × 2 threads, 250 ms jobs: 16 a second;
 * 24 a second arrive) for {@code kairos.overload.duration} (15 s here; {@code
 * -Dkairos.overload.duration=2m} for the full run): the backlog of due, unclaimed executions grows,
 * then drains once arrivals stop, and every job runs once. The firing delay (start − due) is
 * printed.
 */
class OverloadTests {

  static final int THREADS = 2;
  static final long JOB_MILLIS = 250;
  static final double CAPACITY = 2 * THREADS * 1000.0 / JOB_MILLIS;
  static final double ARRIVALS = 1.5 * CAPACITY;

  FaultCluster cluster;
  ScheduledExecutorService sampler;

  @AfterEach
  void tearDown() throws Exception {
    if (sampler != null) {
      sampler.shutdownNow();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void atOneAndAHalfTimesCapacityTheBacklogGrowsThenDrainsAndNothingIsLost() throws Exception {
    Duration overload = duration(System.getProperty("kairos.overload.duration", "15s"));
    cluster = new FaultCluster(FaultCluster::sleep);
    String url = cluster.fixture.database.jdbcUrl();
    cluster.start("node-a", url, THREADS, pool -> {});
    cluster.start("node-b", url, THREADS, pool -> {});
    List<Integer> backlog = new CopyOnWriteArrayList<>();
    sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(
        () ->
            backlog.add(
                cluster.count(
                    "select count(*) from scheduled_tasks where not picked"
                        + " and execution_time <= now()")),
        1,
        1,
        TimeUnit.SECONDS);

    long nanoOrigin = System.nanoTime();
    Instant wallOrigin = Instant.now();
    // Arrivals are created a second or two ahead, one transaction per second of them, due evenly
    // spread: the arrival rate is exact whatever creating them costs on a busy machine.
    JobSubmitter submitter = cluster.submitter();
    Instant first = wallOrigin.plusSeconds(2);
    long seconds = overload.toSeconds();
    int perSecond = (int) ARRIVALS;
    int late = 0;
    for (long second = 0; second < seconds; second++) {
      List<NewJob> batch = new ArrayList<>();
      for (int j = 0; j < perSecond; j++) {
        Instant due = first.plusSeconds(second).plusNanos(j * 1_000_000_000L / perSecond);
        batch.add(
            cluster.fixture.job(
                "load-" + (second * perSecond + j),
                FaultCluster.WORK.name(),
                cluster.fixture.json.valueToTree(new FaultCluster.Work(JOB_MILLIS)),
                ScheduleSpec.at(due),
                5));
      }
      submitter.submitAll(batch);
      Instant batchStart = first.plusSeconds(second);
      if (Instant.now().isAfter(batchStart)) {
        late++;
      }
      long wait = Duration.between(Instant.now(), batchStart).toMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
    }
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), first.plus(overload)).toMillis()));
    int atStop = backlog.size();
    long stoppedAt = System.nanoTime();
    int jobs = (int) (seconds * perSecond);
    await()
        .atMost(overload.multipliedBy(2).plusMinutes(1))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.allCompleted("load-", jobs));
    double drained = (System.nanoTime() - stoppedAt) / 1e9;
    sampler.shutdownNow();
    sampler.awaitTermination(10, TimeUnit.SECONDS);
    backlog.add(
        cluster.count(
            "select count(*) from scheduled_tasks where not picked and execution_time <= now()"));

    List<Long> delays = cluster.firingDelays("load-", nanoOrigin, wallOrigin);
    int peak = backlog.stream().mapToInt(Integer::intValue).max().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "overload %s at %.0f jobs/s (%d of its seconds created late) for a capacity of %.0f/s: %d jobs, backlog peak %d, drained"
            + " %.1f s after arrivals stopped; firing delay %s; backlog each second %s%n",
        overload,
        ARRIVALS,
        late,
        CAPACITY,
        jobs,
        peak,
        drained,
        FaultCluster.describe(delays),
        backlog);

    assertThat(cluster.assertNothingLostNoOverlap("load-", jobs)).isZero();
    assertThat(backlog.subList(0, atStop))
        .as("the backlog grew while jobs arrived faster than they could run")
        .anyMatch(n -> n > (ARRIVALS - CAPACITY) * overload.toSeconds() / 4);
    assertThat(backlog.get(backlog.size() - 1)).as("the backlog drained").isZero();
  }

  static Duration duration(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    return Duration.parse(t.startsWith("P") ? t : "PT" + t);
  }
}
