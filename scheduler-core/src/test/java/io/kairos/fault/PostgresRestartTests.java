package io.kairos.fault;

import static org.awaitility.Awaitility.await;

import io.kairos.testing.LocalPostgres;
import io.kairos.testing.TestDatabases.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL server of the test's own (never the shared test server) is restarted twice under
 * load, once cleanly ({@code fast}: sessions ended, checkpoint) and once as a crash ({@code
 * immediate}); the workers' pools reconnect by themselves and every job runs once: nothing lost, no
 * overlap.
 */
class PostgresRestartTests {

  LocalPostgres server;
  FaultCluster cluster;

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void restartsUnderLoadLoseNothingAndNeverOverlap() throws Exception {
    Path bin = LocalPostgres.binaries().orElse(null);
    Assumptions.assumeTrue(bin != null, LocalPostgres.missingBinaries());
    server = LocalPostgres.start(bin);
    server.execute("postgres", "create database kairos");
    String url = server.jdbcUrl("kairos") + "?connectTimeout=2&socketTimeout=30";
    cluster =
        new FaultCluster(
            new TestDatabase(url, "postgres", null, "own server"), FaultCluster::sleep);
    cluster.start("node-a", url, 4, pool -> {});
    cluster.start("node-b", url, 4, pool -> {});

    Feeder feeder = new Feeder(cluster, "restart-", 500, 10);
    for (String mode : new String[] {"fast", "immediate"}) {
      int before = completed();
      await().atMost(Duration.ofMinutes(1)).until(() -> completed() >= before + 20);
      server.stop(mode);
      Thread.sleep(1_000);
      server.start();
    }
    int afterRestarts = feeder.accepted.size();
    await().atMost(Duration.ofMinutes(1)).until(() -> feeder.accepted.size() >= afterRestarts + 20);
    feeder.close();

    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                cluster.count(
                        "select count(*) from kairos_job where id like 'restart-%'"
                            + " and state <> 'COMPLETED'")
                    == 0);
    Assertions.assertThat(
            cluster.count(
                "select count(*) from kairos_job where id = any(?)",
                (Object) feeder.accepted.toArray(String[]::new)))
        .as("every acknowledged job exists")
        .isEqualTo(feeder.accepted.size());
    int jobs = cluster.count("select count(*) from kairos_job where id like 'restart-%'");
    int ranTwice = cluster.assertNothingLostNoOverlap("restart-", jobs);
    System.out.printf(
        "restarts under load: %d jobs, %d submissions failed while the server was down, %d"
            + " handlers ran to their end twice after a lost attempt%n",
        jobs, feeder.failed.size(), ranTwice);
  }

  private int completed() {
    return cluster.count(
        "select count(*) from kairos_job where id like 'restart-%' and state = 'COMPLETED'");
  }
}
