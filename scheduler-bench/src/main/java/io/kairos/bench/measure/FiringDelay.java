package io.kairos.bench.measure;

import io.kairos.bench.cluster.Await;
import io.kairos.bench.cluster.BenchDatabase;
import io.kairos.bench.cluster.Cluster;
import io.kairos.registry.RunHistoryStore;
import io.kairos.schema.KairosSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Firing delay of one-time jobs on an idle cluster: started_at − scheduled_for of each job's first
 * attempt, both as recorded in history (scheduled_for is the due time the API computed, started_at
 * the database's clock_timestamp() when the worker began the attempt). So it covers everything
 * between "due" and "running": the API's commit, the wake-up or the poll, the claim, and the start
 * of the attempt.
 */
public final class FiringDelay {

  private static final Duration SETTLE_POLL = Duration.ofMillis(100);
  private static final Duration SETTLE_SLACK = Duration.ofSeconds(30);

  /**
   * A job that started this long after its wake-up was not found by that wake-up: it waited for a
   * poll (or a later wake-up).
   */
  public static final Duration MISSED_WAKE_UP = Duration.ofMillis(100);

  private final Cluster cluster;
  private final BenchDatabase database;
  private final JobPoster poster;
  private final WakeUpRecorder wakeUps;
  private final Path samplesDir;

  /**
   * @param wakeUps notes the wake-ups the API sends, to split delays into API and worker parts
   * @param samplesDir where each series' samples are written as CSV
   */
  public FiringDelay(
      Cluster cluster, BenchDatabase database, WakeUpRecorder wakeUps, Path samplesDir) {
    this.cluster = cluster;
    this.database = database;
    this.poster = new JobPoster(cluster);
    this.wakeUps = wakeUps;
    this.samplesDir = samplesDir;
  }

  /**
   * Posts {@code count} jobs one {@code spacing} apart, each due {@code ahead} after its post (now
   * when zero), waits until all have started, and returns their delays.
   *
   * @param series names the jobs ({@code <configuration>-<series>-<n>}); unique per cluster
   */
  public FiringSeries measure(String series, int count, Duration ahead, Duration spacing)
      throws SQLException {
    String prefix = cluster.config().key().toLowerCase(Locale.ROOT) + "-" + series + "-";
    for (int i = 1; i <= count; i++) {
      Instant at = ahead.isZero() ? null : Instant.now().plus(ahead);
      poster.post(prefix + i, at, null);
      Await.pause(spacing);
      if (i % 20 == 0) {
        cluster.requireIntact();
      }
    }
    Duration settle =
        ahead.plus(cluster.config().pollingInterval().multipliedBy(2)).plus(SETTLE_SLACK);
    Await.until(
        settle,
        SETTLE_POLL,
        () -> {
          cluster.requireIntact();
          return started(prefix) >= count ? Optional.of(true) : none();
        });
    cluster.requireIntact();
    List<Instant> arrivals = wakeUps.received();
    List<Double> delays = new ArrayList<>();
    List<Double> dueToTransaction = new ArrayList<>();
    List<Double> dueToWakeUp = new ArrayList<>();
    List<Double> wakeUpToStart = new ArrayList<>();
    int wakeUpsMissed = 0;
    List<String> csv = new ArrayList<>();
    csv.add("job_id,node,scheduled_for,api_transaction_began,wake_up_seen,started_at,delay_ms");
    for (FirstAttempt run : firstAttempts(prefix)) {
      double delay = millis(run.scheduledFor(), run.startedAt());
      delays.add(delay);
      if (!run.createdAt().isBefore(run.scheduledFor())) {
        dueToTransaction.add(millis(run.scheduledFor(), run.createdAt()));
      }
      Optional<Instant> wakeUp =
          WakeUpRecorder.firstBetween(arrivals, run.scheduledFor(), run.startedAt());
      if (wakeUp.isPresent()) {
        dueToWakeUp.add(millis(run.scheduledFor(), wakeUp.get()));
        double afterWakeUp = millis(wakeUp.get(), run.startedAt());
        wakeUpToStart.add(afterWakeUp);
        if (afterWakeUp > MISSED_WAKE_UP.toMillis()) {
          wakeUpsMissed++;
        }
      }
      csv.add(
          String.join(
              ",",
              run.jobId(),
              run.node(),
              run.scheduledFor().toString(),
              run.createdAt().toString(),
              wakeUp.map(Instant::toString).orElse(""),
              run.startedAt().toString(),
              String.format(Locale.ROOT, "%.3f", delay)));
    }
    writeSamples(series, csv);
    return new FiringSeries(
        Stats.of(delays, count),
        Stats.of(dueToTransaction, count),
        Stats.of(dueToWakeUp, count),
        Stats.of(wakeUpToStart, count),
        wakeUpsMissed);
  }

  /** Every sample, for a closer look than percentiles give. */
  private void writeSamples(String series, List<String> lines) {
    try {
      Files.createDirectories(samplesDir);
      Files.write(samplesDir.resolve(series + ".csv"), lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double millis(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }

  private static Optional<Boolean> none() {
    return Optional.empty();
  }

  private int started(String prefix) {
    return history().countFirstAttempts(prefix);
  }

  private List<FirstAttempt> firstAttempts(String prefix) {
    return history().firstAttempts(prefix).stream()
        .map(
            r ->
                new FirstAttempt(
                    r.scheduledFor(), r.startedAt(), r.jobCreatedAt(), r.jobId(), r.node()))
        .toList();
  }

  private RunHistoryStore history() {
    return new RunHistoryStore(
        new SingleConnectionDataSource(database.connection(), true), KairosSchema.DEFAULT);
  }

  /** createdAt: when the API's transaction began (PostgreSQL's now()). */
  private record FirstAttempt(
      Instant scheduledFor, Instant startedAt, Instant createdAt, String jobId, String node) {}
}
