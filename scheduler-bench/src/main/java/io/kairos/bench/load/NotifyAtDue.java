package io.kairos.bench.load;

import io.kairos.concurrent.DaemonTimers;
import io.kairos.wakeup.DueListener;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The API's part in starting jobs on time, played by the benchmark: {@code NOTIFY kairos_due} at
 * each job's due time, coalesced to one notification per {@value #COALESCE_MILLIS} ms window as the
 * API's wake-up sender does, on a connection of its own.
 */
public final class NotifyAtDue implements DueListener, AutoCloseable {

  private static final long COALESCE_MILLIS = 5;

  private final Connection connection;
  private final ScheduledExecutorService timer = DaemonTimers.newTimer("bench-notify");
  private final Set<Long> windows = ConcurrentHashMap.newKeySet();

  public NotifyAtDue(String url, Properties credentials) throws SQLException {
    this.connection = DriverManager.getConnection(url, credentials);
  }

  @Override
  public void scheduled(Instant due) {
    long window = (due.toEpochMilli() + COALESCE_MILLIS - 1) / COALESCE_MILLIS;
    if (windows.add(window)) {
      long delay = Math.max(0, window * COALESCE_MILLIS - System.currentTimeMillis());
      timer.schedule(this::send, delay, TimeUnit.MILLISECONDS);
    }
  }

  private void send() {
    try (Statement st = connection.createStatement()) {
      st.execute("NOTIFY " + CHANNEL);
    } catch (SQLException e) {
      System.out.println("        NOTIFY failed: " + e.getMessage());
    }
  }

  @Override
  public void close() throws SQLException {
    timer.shutdownNow();
    connection.close();
  }
}
