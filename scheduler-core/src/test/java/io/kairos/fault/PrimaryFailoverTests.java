package io.kairos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kairos.testing.FaultProxy;
import io.kairos.testing.LocalPostgres;
import io.kairos.testing.TestDatabases.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL primary and its streaming replica (made with {@code pg_basebackup}) of the test's
 * own; two worker engines (in this JVM, each with its own pool, wired as the worker is) and a job
 * submitter reach them through one multi-host URL with {@code targetServerType=primary}. Mid-run
 * the primary is stopped as a crash would stop it and the replica promoted; everything reconnects
 * by itself and goes on.
 *
 * <p>With synchronous replication nothing acknowledged is lost and no occurrence gets a second
 * recorded success. With asynchronous replication the transactions committed on the primary but not
 * yet replicated are gone after the promotion: the test cuts replication first (a proxy in front of
 * the primary blackholes the replica's connection) so that window is known, and shows exactly what
 * it costs.
 */
class PrimaryFailoverTests {

  static final long JOB_MILLIS = 500;
  static final double PER_SECOND = 10;

  final List<AutoCloseable> closeables = new ArrayList<>();
  Path bin;
  LocalPostgres primary;
  LocalPostgres replica;
  FaultCluster cluster;

  @BeforeEach
  void binaries() {
    bin = LocalPostgres.binaries().orElse(null);
    Assumptions.assumeTrue(bin != null, LocalPostgres.missingBinaries());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void withSynchronousReplicationAFailoverLosesNothingAndRunsNothingTwice() throws Exception {
    primary = own(LocalPostgres.start(bin));
    replica = own(primary.replica(primary.port(), "standby1"));
    primary.execute("postgres", "alter system set synchronous_standby_names = 'standby1'");
    primary.execute("postgres", "select pg_reload_conf()");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "sync"
                    .equals(
                        primary.query(
                            "postgres",
                            "select sync_state from pg_stat_replication"
                                + " where application_name = 'standby1'")));
    startCluster();

    Feeder feeder = new Feeder(cluster, "sync-", JOB_MILLIS, PER_SECOND);
    awaitCompletedAtLeast("sync-", 20);
    primary.stop("immediate"); // a crash: sessions cut, no checkpoint
    Thread.sleep(1_000); // the time a failover manager takes to decide
    replica.promote();
    int acceptedAtFailover = feeder.accepted.size();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> feeder.accepted.size() >= acceptedAtFailover + 30);
    feeder.close();

    List<String> accepted = feeder.accepted;
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                cluster.count(
                        "select count(*) from kairos_job where id like 'sync-%' and state <> 'COMPLETED'")
                    == 0);
    int jobs = cluster.count("select count(*) from kairos_job where id like 'sync-%'");
    assertThat(
            cluster.count(
                "select count(*) from kairos_job where id = any(?)",
                (Object) accepted.toArray(String[]::new)))
        .as("every acknowledged job is on the promoted replica")
        .isEqualTo(accepted.size());
    int ranTwice = cluster.assertNothingLostNoOverlap("sync-", jobs);
    System.out.printf(
        "synchronous failover: %d jobs acknowledged, %d submissions failed during the failover"
            + " (%d of them committed anyway), %d handlers ran twice after a lost attempt%n",
        accepted.size(), feeder.failed.size(), jobs - accepted.size(), ranTwice);
  }

  @Test
  void withAsynchronousReplicationWhatWasNotReplicatedIsGoneAndKairosGoesOnFromTheReplica()
      throws Exception {
    primary = own(LocalPostgres.start(bin));
    FaultProxy replication = own(new FaultProxy("127.0.0.1", primary.port()));
    replica = own(primary.replica(replication.port(), "standby1"));
    startCluster();

    Feeder feeder = new Feeder(cluster, "async-", JOB_MILLIS, PER_SECOND);
    awaitCompletedAtLeast("async-", 20);
    // What was acknowledged a second before the cut has reached the replica (on loopback the
    // replica lags by milliseconds); what is acknowledged after the cut never will.
    int acceptedBeforeCut = feeder.accepted.size();
    Thread.sleep(1_000);
    replication.blackhole(); // from now on the primary commits alone
    int acceptedAtCut = feeder.accepted.size();
    int completedBeforeCut =
        cluster.count(
            "select count(*) from kairos_job where id like 'async-%' and state = 'COMPLETED'");
    Thread.sleep(3_000);
    primary.stop("immediate");
    int acceptedByPrimary = feeder.accepted.size();
    List<String> acceptedAlone =
        List.copyOf(feeder.accepted.subList(acceptedAtCut + 1, acceptedByPrimary));
    Thread.sleep(1_000);
    replica.promote();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> feeder.accepted.size() >= acceptedByPrimary + 30);
    feeder.close();

    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                cluster.count(
                        "select count(*) from kairos_job where id like 'async-%' and state <> 'COMPLETED'")
                    == 0);
    int lostCreations =
        acceptedAlone.size()
            - cluster.count(
                "select count(*) from kairos_job where id = any(?)",
                (Object) acceptedAlone.toArray(String[]::new));
    java.util.Map<String, Long> completions = new java.util.HashMap<>();
    cluster.runs.stream()
        .filter(r -> r.job().startsWith("async-") && r.completed())
        .forEach(r -> completions.merge(r.job(), 1L, Long::sum));
    int completedTwice = (int) completions.values().stream().filter(n -> n > 1).count();
    int jobs = cluster.count("select count(*) from kairos_job where id like 'async-%'");
    System.out.printf(
        "asynchronous failover: %d jobs acknowledged before replication was cut (%d completed),"
            + " %d acknowledged by the primary alone of which %d are gone after the promotion;"
            + " %d jobs' handlers ran to their end twice, %d jobs' runs overlapped; %d jobs on the"
            + " new primary%n",
        acceptedBeforeCut,
        completedBeforeCut,
        acceptedAlone.size(),
        lostCreations,
        completedTwice,
        cluster.overlapping("async-"),
        jobs);

    assertThat(acceptedAlone).as("jobs acknowledged while only the primary had them").isNotEmpty();
    assertThat(lostCreations)
        .as("acknowledged jobs that were never replicated are gone")
        .isEqualTo(acceptedAlone.size());
    assertThat(
            cluster.count(
                "select count(*) from kairos_job where id = any(?)",
                (Object) feeder.accepted.subList(0, acceptedBeforeCut).toArray(String[]::new)))
        .as("every job acknowledged while replication ran survives")
        .isEqualTo(acceptedBeforeCut);
    // Whatever survived goes on to exactly one recorded success on the new primary.
    assertThat(
            cluster.count(
                "select count(*) from (select job_id from kairos_job_run where job_id like"
                    + " 'async-%' and outcome = 'SUCCEEDED' group by job_id having count(*) = 1)"
                    + " once"))
        .isEqualTo(jobs);
    assertThat(
            cluster.count(
                "select count(*) from kairos_job_run where job_id like 'async-%'"
                    + " and outcome = 'SUCCEEDED'"))
        .isEqualTo(jobs);
  }

  private void startCluster() {
    primary.execute("postgres", "create database kairos");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "1"
                    .equals(
                        replica.query(
                            "postgres",
                            "select count(*) from pg_database where datname = 'kairos'")));
    String url =
        "jdbc:postgresql://127.0.0.1:"
            + primary.port()
            + ",127.0.0.1:"
            + replica.port()
            + "/kairos?targetServerType=primary&hostRecheckSeconds=1&connectTimeout=2"
            + "&socketTimeout=30";
    cluster =
        new FaultCluster(
            new TestDatabase(url, "postgres", null, "primary and replica"), FaultCluster::sleep);
    cluster.start("node-a", url, 4, pool -> {});
    cluster.start("node-b", url, 4, pool -> {});
  }

  private void awaitCompletedAtLeast(String prefix, int n) {
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                cluster.count(
                        "select count(*) from kairos_job where id like ? and state = 'COMPLETED'",
                        prefix + "%")
                    >= n);
  }

  private <T extends AutoCloseable> T own(T closeable) {
    closeables.add(closeable);
    return closeable;
  }
}
