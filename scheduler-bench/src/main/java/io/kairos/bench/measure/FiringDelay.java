package io.kairos.bench.measure;

import io.kairos.bench.cluster.Await;
import io.kairos.bench.cluster.BenchDatabase;
import io.kairos.bench.cluster.Cluster;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Firing delay of one-time jobs on an idle cluster: started_at − scheduled_for of each job's first
 * attempt, both as recorded in {@code kairos_job_run} (scheduled_for is the due time the API
 * computed, started_at the database's clock_timestamp() when the worker began the attempt). So it
 * covers everything between "due" and "running": the API's commit, the wake-up or the poll, the
 * claim, and the start of the attempt.
 */
public final class FiringDelay {

  private static final Duration SETTLE_POLL = Duration.ofMillis(100);
  private static final Duration SETTLE_SLACK = Duration.ofSeconds(30);

  private final Cluster cluster;
  private final BenchDatabase database;
  private final JobPoster poster;
  private final Duration spacing;

  public FiringDelay(Cluster cluster, BenchDatabase database, Duration spacing) {
    this.cluster = cluster;
    this.database = database;
    this.poster = new JobPoster(cluster);
    this.spacing = spacing;
  }

  /**
   * Posts {@code count} jobs one {@link #spacing} apart, each due {@code ahead} after its post (now
   * when zero), waits until all have started, and returns their delays.
   *
   * @param series names the jobs ({@code <configuration>-<series>-<n>}); unique per cluster
   */
  public Stats measure(String series, int count, Duration ahead) throws SQLException {
    String prefix = cluster.config().key().toLowerCase(Locale.ROOT) + "-" + series + "-";
    for (int i = 1; i <= count; i++) {
      Instant at = ahead.isZero() ? null : Instant.now().plus(ahead);
      poster.post(prefix + i, at, null);
      Await.pause(spacing);
    }
    Duration settle =
        ahead.plus(cluster.config().pollingInterval().multipliedBy(2)).plus(SETTLE_SLACK);
    Await.until(settle, SETTLE_POLL, () -> started(prefix) >= count ? Optional.of(true) : none());
    return Stats.of(delays(prefix), count);
  }

  private static Optional<Boolean> none() {
    return Optional.empty();
  }

  private int started(String prefix) throws SQLException {
    try (PreparedStatement st =
        database
            .connection()
            .prepareStatement(
                "select count(*) from kairos_job_run where job_id like ? and attempt = 1")) {
      st.setString(1, prefix + "%");
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private List<Double> delays(String prefix) throws SQLException {
    List<Double> millis = new ArrayList<>();
    try (PreparedStatement st =
        database
            .connection()
            .prepareStatement(
                "select extract(epoch from started_at - scheduled_for) * 1000.0"
                    + " from kairos_job_run where job_id like ? and attempt = 1")) {
      st.setString(1, prefix + "%");
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          millis.add(rs.getDouble(1));
        }
      }
    }
    return millis;
  }
}
