package io.kairos.bench.measure;

import io.kairos.bench.cluster.Await;
import io.kairos.bench.cluster.BenchDatabase;
import io.kairos.bench.cluster.BenchJobStore;
import io.kairos.bench.cluster.Cluster;
import io.kairos.bench.cluster.NodeProcess;
import io.kairos.job.JobRun;
import io.kairos.job.RunOutcome;
import io.kairos.registry.RunHistoryStore;
import io.kairos.schema.KairosSchema;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Time from SIGKILL of the worker running a job to the start of that job's recovered attempt on
 * another worker. The kill instant is read from the database clock just before the signal is sent,
 * so all three instants (kill, declared dead, re-run) are on the same clock.
 */
public final class Failover {

  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration PICK_SLACK = Duration.ofSeconds(30);

  private final Cluster cluster;
  private final BenchDatabase database;
  private final JobPoster poster;
  private final Duration bound;
  private final Duration jobDuration;
  private final Consumer<String> progress;

  /**
   * @param bound longest wait for the re-run after a kill
   * @param jobDuration how long the killed job would have run
   */
  public Failover(
      Cluster cluster,
      BenchDatabase database,
      Duration bound,
      Duration jobDuration,
      Consumer<String> progress) {
    this.cluster = cluster;
    this.database = database;
    this.poster = new JobPoster(cluster);
    this.bound = bound;
    this.jobDuration = jobDuration;
    this.progress = progress;
  }

  /** One round per kill; a new worker replaces the killed one before the next round. */
  public FailoverResult measure(int rounds) throws SQLException {
    List<FailoverRound> measured = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      FailoverRound result = round(round);
      measured.add(result);
      progress.accept(result.toString());
      if (round < rounds) {
        cluster.addWorker();
      }
    }
    return new FailoverResult(measured, bound);
  }

  private FailoverRound round(int round) throws SQLException {
    String jobId = cluster.config().key().toLowerCase(Locale.ROOT) + "-failover-" + round;
    poster.post(jobId, null, jobDuration);
    Duration pickTimeout = cluster.config().pollingInterval().multipliedBy(2).plus(PICK_SLACK);
    String node =
        Await.until(
                pickTimeout,
                POLL,
                () -> {
                  cluster.requireIntact();
                  return runningOn(jobId);
                })
            .orElseThrow(() -> new IllegalStateException(jobId + " never started running"));
    NodeProcess victim =
        cluster
            .worker(node)
            .orElseThrow(() -> new IllegalStateException(jobId + " runs on unknown " + node));
    BeforeKill beforeKill = beforeKill(jobId);
    Instant killedAt = beforeKill.now();
    cluster.kill(victim);
    // An attempt's history row is written when it ends, so the re-run shows first as another
    // worker's claim; its row, with when it started, follows once it has run its course.
    Optional<String> reclaimed =
        Await.until(
            bound,
            POLL,
            () -> {
              cluster.requireIntact();
              return rerun(jobId).isPresent()
                  ? Optional.of("done")
                  : runningOn(jobId).filter(other -> !other.equals(node));
            });
    Optional<Rerun> rerun =
        reclaimed.isEmpty()
            ? Optional.empty()
            : Await.until(
                jobDuration.plus(PICK_SLACK),
                POLL,
                () -> {
                  cluster.requireIntact();
                  return rerun(jobId);
                });
    Optional<Instant> declaredDead = declaredDead(jobId, node);
    return new FailoverRound(
        round,
        node,
        killedAt,
        Duration.between(beforeKill.lastHeartbeat(), killedAt),
        declaredDead.map(at -> Duration.between(killedAt, at)),
        rerun.map(r -> Duration.between(killedAt, r.startedAt())),
        rerun.map(Rerun::node));
  }

  /** The worker that holds the job's execution: its claim, since nothing is written at a start. */
  private Optional<String> runningOn(String jobId) {
    return new BenchJobStore(
            new SingleConnectionDataSource(database.connection(), true), KairosSchema.DEFAULT)
        .runningOn(jobId);
  }

  /** The database's now and the execution's last heartbeat, read together just before the kill. */
  private BeforeKill beforeKill(String jobId) throws SQLException {
    try (PreparedStatement st =
        database
            .connection()
            .prepareStatement(
                KairosSchema.DEFAULT.sql(
                    "select clock_timestamp(), last_heartbeat from scheduled_tasks"
                        + " where task_instance = ?"))) {
      st.setString(1, jobId);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no execution for " + jobId);
        }
        Timestamp heartbeat = rs.getTimestamp(2);
        Instant now = rs.getTimestamp(1).toInstant();
        return new BeforeKill(now, heartbeat == null ? now : heartbeat.toInstant());
      }
    }
  }

  private Optional<Rerun> rerun(String jobId) {
    return runs(jobId).stream()
        .filter(JobRun::recovered)
        .findFirst()
        .map(r -> new Rerun(r.startedAt(), r.node()));
  }

  private Optional<Instant> declaredDead(String jobId, String node) {
    return runs(jobId).stream()
        .filter(r -> r.outcome() == RunOutcome.WORKER_DIED && node.equals(r.node()))
        .map(JobRun::finishedAt)
        .findFirst();
  }

  private List<JobRun> runs(String jobId) {
    return new RunHistoryStore(
            new SingleConnectionDataSource(database.connection(), true), KairosSchema.DEFAULT)
        .runsOf(jobId, 0, 1000);
  }

  private record BeforeKill(Instant now, Instant lastHeartbeat) {}

  private record Rerun(Instant startedAt, String node) {}
}
