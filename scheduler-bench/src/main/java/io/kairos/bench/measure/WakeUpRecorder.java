package io.kairos.bench.measure;

import io.kairos.bench.cluster.Leftovers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * LISTENs on {@code kairos_due} like a worker does and notes when each wake-up arrives, so a firing
 * delay can be split into "due → wake-up" (the API's side) and "wake-up → start" (the worker's).
 * PostgreSQL, the workers and this JVM run on one machine, so this JVM's clock is the database's.
 */
public final class WakeUpRecorder implements AutoCloseable {

  /** The channel the API notifies (io.kairos.wakeup.DueListener.CHANNEL). */
  static final String CHANNEL = "kairos_due";

  private static final int WAIT_MILLIS = 100;

  private final Connection connection;
  private final Thread thread;
  private final List<Instant> received = new ArrayList<>();
  private volatile boolean running = true;

  public WakeUpRecorder(String url, Properties credentials) throws SQLException {
    connection = DriverManager.getConnection(url, credentials);
    try (Statement st = connection.createStatement()) {
      st.execute("LISTEN " + CHANNEL);
    }
    thread = new Thread(this::listen, "bench-wake-up-recorder");
    thread.setDaemon(true);
    thread.start();
  }

  private void listen() {
    try {
      PGConnection pg = connection.unwrap(PGConnection.class);
      while (running) {
        PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
        if (notifications != null && notifications.length > 0) {
          Instant at = Instant.now();
          synchronized (received) {
            received.add(at);
          }
        }
      }
    } catch (SQLException e) {
      if (running && !Leftovers.closing()) {
        System.err.println("bench: wake-up recorder stopped: " + e.getMessage());
      }
    }
  }

  /** Arrival times so far, oldest first. */
  List<Instant> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** The first wake-up that arrived in [from, to], if any. */
  static java.util.Optional<Instant> firstBetween(
      List<Instant> arrivals, Instant from, Instant to) {
    return arrivals.stream().filter(at -> !at.isBefore(from) && !at.isAfter(to)).findFirst();
  }

  @Override
  public void close() throws SQLException {
    running = false;
    try {
      thread.join(2 * WAIT_MILLIS + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connection.close();
  }
}
