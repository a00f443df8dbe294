package io.kairos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kairos.control.JobSubmitter;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Handlers that take a connection from their worker's own pool and hold it for their whole run,
 * with as many threads as the pool has connections: while every thread runs, the engine's
 * heartbeats, polls and result writes wait for a connection like anyone else. Nothing may be lost,
 * run twice or overlap.
 */
class PoolExhaustionTests {

  static final int THREADS = 4;
  static final int JOBS = 48;
  static final long HOLD_MILLIS = 1_000;

  FaultCluster cluster;

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void handlersHoldingEveryConnectionOfTheirPoolLoseNothingAndNeverOverlap() throws Exception {
    cluster =
        new FaultCluster(
            (work, context) -> {
              try (Connection c = cluster.pools.get(context.node()).getConnection();
                  Statement st = c.createStatement()) {
                st.execute("select 1");
                Thread.sleep(work.millis()); // holding the connection
              }
            });
    for (String node : new String[] {"node-a", "node-b"}) {
      cluster.start(
          node,
          cluster.fixture.database.jdbcUrl(),
          THREADS,
          pool -> {
            pool.setMaximumPoolSize(THREADS);
            pool.setConnectionTimeout(30_000);
          });
    }
    JobSubmitter submitter = cluster.submitter();
    Instant now = Instant.now();
    for (int i = 0; i < JOBS; i++) {
      cluster.submit(submitter, "held-" + i, HOLD_MILLIS, now);
    }
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.allCompleted("held-", JOBS));

    int ranTwice = cluster.assertNothingLostNoOverlap("held-", JOBS);
    assertThat(ranTwice).as("handlers that ran to their end twice").isZero();
    assertThat(cluster.count("select count(*) from kairos_job_run where outcome = 'WORKER_DIED'"))
        .as("attempts taken for dead although their workers lived")
        .isZero();
  }
}
