package io.kairos.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.clock.DatabaseClock;
import io.kairos.control.JobSubmitter;
import io.kairos.execution.JobTasks;
import io.kairos.execution.LeaseGuard;
import io.kairos.execution.PersistedBackoff;
import io.kairos.execution.RunningAttempts;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.ScheduleSpec;
import io.kairos.registry.TransactionJoiningDataSource;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.FaultProxy;
import io.kairos.testing.KairosFixture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker cut off from PostgreSQL mid-execution (its connections blackholed by a TCP proxy) must
 * stop its attempt before another worker revives the execution, so the two attempts never overlap;
 * the job completes once, elsewhere; and the cut-off worker rejoins when the network heals.
 * Ordering is asserted on events recorded by the handlers, not on wall-clock thresholds.
 */
class PartitionTests {

  record Probe() {}

  record Event(String node, String what, long nanos) {}

  static final JobType<Probe> PROBE = new JobType<>("probe", Probe.class, "records events");
  static final Duration HEARTBEAT = Duration.ofMillis(500);
  static final int MISSED_HEARTBEATS = 6; // dead after 3 s
  static final Duration LEASE_MARGIN = Duration.ofSeconds(1);

  final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
  final List<AutoCloseable> closeables = new ArrayList<>();
  final List<Scheduler> schedulers = new ArrayList<>();
  KairosFixture fixture;
  FaultProxy proxy;

  @AfterEach
  void tearDown() throws Exception {
    schedulers.forEach(s -> s.stop());
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aPartitionedWorkerStopsItsAttemptBeforeAnotherRevivesItAndRejoinsAfterwards()
      throws Exception {
    JobHandler<Probe> handler =
        (payload, context) -> {
          events.add(new Event(context.node(), "start:" + context.jobId(), System.nanoTime()));
          if (context.node().equals("node-a") && context.jobId().equals("partitioned")) {
            try {
              // Long work that honours interruption, as handlers must.
              Thread.sleep(TimeUnit.MINUTES.toMillis(1));
            } catch (InterruptedException e) {
              events.add(new Event(context.node(), "interrupted", System.nanoTime()));
              throw e;
            }
          }
          events.add(new Event(context.node(), "end:" + context.jobId(), System.nanoTime()));
        };
    fixture = new KairosFixture(Map.of(PROBE, handler), 4);
    java.net.URI uri = java.net.URI.create(fixture.database.jdbcUrl().substring(5));
    proxy = new FaultProxy(uri.getHost(), uri.getPort());
    closeables.add(proxy);

    String proxied = proxy.proxiedUrl(fixture.database.jdbcUrl());
    String separator = proxied.contains("?") ? "&" : "?";
    Scheduler nodeA = start("node-a", proxied + separator + "socketTimeout=4&connectTimeout=2");
    JobSubmitter submitter =
        fixture.submitter(
            new DatabaseClock(fixture.dataSource, Clock.systemUTC(), Duration.ofSeconds(10)));
    submitter.submit(fixture.job("partitioned", "probe", null, ScheduleSpec.at(Instant.now()), 3));

    await().atMost(Duration.ofSeconds(30)).until(() -> has("node-a", "start:partitioned"));
    proxy.blackhole();
    Scheduler nodeB = start("node-b", fixture.database.jdbcUrl());

    await().atMost(Duration.ofSeconds(60)).until(() -> "COMPLETED".equals(stateOf("partitioned")));

    Event interrupted = find("node-a", "interrupted");
    Event rerun = find("node-b", "start:partitioned");
    assertThat(interrupted).as("node-a's attempt was interrupted").isNotNull();
    assertThat(rerun).as("node-b re-ran the job").isNotNull();
    assertThat(interrupted.nanos())
        .as("node-a stopped before node-b started: the attempts did not overlap")
        .isLessThan(rerun.nanos());
    assertThat(find("node-a", "end:partitioned")).isNull();
    List<Map<String, Object>> runs =
        fixture.jdbc.queryForList(
            KairosSchema.DEFAULT.sql(
                "select node, outcome, recovered from kairos_job_run where job_id = 'partitioned'"
                    + " order by id"));
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0)).containsEntry("node", "node-a").containsEntry("outcome", "WORKER_DIED");
    assertThat(runs.get(1))
        .containsEntry("node", "node-b")
        .containsEntry("outcome", "SUCCEEDED")
        .containsEntry("recovered", true);

    // The network heals; with node-b gone, node-a must pick up new work again.
    proxy.heal();
    nodeB.stop();
    schedulers.remove(nodeB);
    submitter.submit(fixture.job("after-heal", "probe", null, ScheduleSpec.at(Instant.now()), 3));
    await().atMost(Duration.ofSeconds(60)).until(() -> "COMPLETED".equals(stateOf("after-heal")));
    assertThat(has("node-a", "end:after-heal")).isTrue();
    assertThat(nodeA).isNotNull();
  }

  private Scheduler start(String node, String jdbcUrl) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(fixture.database.user());
    config.setPassword(fixture.database.password());
    config.setMaximumPoolSize(6);
    config.setConnectionTimeout(2000);
    HikariDataSource pool = new HikariDataSource(config);
    closeables.add(pool);
    DatabaseClock clock = new DatabaseClock(pool, Clock.systemUTC(), Duration.ofSeconds(10));
    closeables.add(clock);
    JobTasks support = fixture.jobTasks(pool, clock, PersistedBackoff.DEFAULT);
    RunningAttempts attempts = support.attempts();
    DataSource joining = new TransactionJoiningDataSource(pool);
    Scheduler scheduler =
        Scheduler.create(joining, fixture.tasks(support))
            .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
            .schedulerName(new SchedulerName.Fixed(node))
            .serializer(fixture.serializer)
            .clock(clock)
            .threads(2)
            .pollUsingLockAndFetch(0.5, 1.0)
            .pollingInterval(Duration.ofMillis(200))
            .heartbeatInterval(HEARTBEAT)
            .missedHeartbeatsLimit(MISSED_HEARTBEATS)
            .build();
    closeables.add(
        new LeaseGuard(
            scheduler::getCurrentlyExecuting,
            attempts,
            HEARTBEAT.multipliedBy(MISSED_HEARTBEATS),
            LEASE_MARGIN,
            Duration.ofMillis(100)));
    scheduler.start();
    schedulers.add(scheduler);
    return scheduler;
  }

  private boolean has(String node, String what) {
    return find(node, what) != null;
  }

  private Event find(String node, String what) {
    return events.stream()
        .filter(e -> e.node().equals(node) && e.what().equals(what))
        .findFirst()
        .orElse(null);
  }

  private String stateOf(String jobId) {
    return fixture.jdbc.queryForObject(
        KairosSchema.DEFAULT.sql("select state from kairos_job where id = ?"), String.class, jobId);
  }
}
