package io.kairos.clock;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.concurrent.DaemonTimers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database's time, read cheaply: the local clock plus an offset measured against PostgreSQL's
 * {@code clock_timestamp()} (round-trip midpoint) and refreshed periodically. db-scheduler uses
 * this clock for due times, pick times, heartbeats and the dead-execution cut-off, so a worker
 * whose own clock is minutes off neither runs jobs early nor revives live executions (see
 * ARCHITECTURE.md, the exactly-once argument).
 */
public final class DatabaseClock implements Clock, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseClock.class);

  /** Offsets that change by more than this between refreshes are logged. */
  private static final Duration JUMP = Duration.ofMillis(500);

  private final DataSource dataSource;
  private final java.time.Clock local;
  private final ScheduledExecutorService refresher;
  private static final int READINGS = 5;

  private volatile Duration offset = Duration.ZERO;
  private final AtomicReference<Instant> latest = new AtomicReference<>(Instant.EPOCH);

  /**
   * Measures the offset once, then every {@code refreshEvery}.
   *
   * @param local the clock of this JVM (injectable so tests can skew it)
   */
  public DatabaseClock(DataSource dataSource, java.time.Clock local, Duration refreshEvery) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.local = Objects.requireNonNull(local, "local");
    if (refreshEvery.isNegative() || refreshEvery.isZero()) {
      throw new IllegalArgumentException("refreshEvery must be positive");
    }
    refresh();
    this.refresher = DaemonTimers.newTimer("kairos-database-clock");
    refresher.scheduleWithFixedDelay(
        this::refreshQuietly,
        refreshEvery.toMillis(),
        refreshEvery.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Never earlier than a value it returned before: db-scheduler's poll waiter waits a whole
   * interval again when the clock has not reached its deadline, so a clock stepping back by even a
   * millisecond would cost a poll.
   */
  @Override
  public Instant now() {
    Instant candidate = local.instant().plus(offset);
    return latest.accumulateAndGet(candidate, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Database time minus local time, as last measured. */
  public Duration offset() {
    return offset;
  }

  /**
   * Measures the offset now from a few readings, keeping the one with the shortest round trip (the
   * least uncertain); changes within that uncertainty are ignored. Throws if the database cannot be
   * reached.
   */
  public void refresh() {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      Duration best = null;
      long bestRoundTrip = Long.MAX_VALUE;
      for (int i = 0; i < READINGS; i++) {
        long before = System.nanoTime();
        Instant localBefore = local.instant();
        Instant database;
        try (ResultSet rs = st.executeQuery("select clock_timestamp()")) {
          rs.next();
          database = rs.getTimestamp(1).toInstant();
        }
        long roundTrip = System.nanoTime() - before;
        if (roundTrip < bestRoundTrip) {
          bestRoundTrip = roundTrip;
          best = Duration.between(localBefore.plusNanos(roundTrip / 2), database);
        }
      }
      Duration uncertainty = Duration.ofNanos(bestRoundTrip / 2).plusMillis(1);
      if (best.minus(offset).abs().compareTo(uncertainty) <= 0) {
        return;
      }
      if (best.minus(offset).abs().compareTo(JUMP) > 0) {
        LOG.info(
            "Database clock is {} ms {} this JVM's clock",
            best.abs().toMillis(),
            best.isNegative() ? "behind" : "ahead of");
      }
      offset = best;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("Cannot read the database clock", e);
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // Keep the last offset: a database we cannot reach has no clock to follow anyway.
      LOG.debug("Database clock refresh failed; keeping offset {}", offset, e);
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
