package io.kairos.wakeup;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The statements of wake-ups on PostgreSQL's {@value DueListener#CHANNEL} channel: {@code NOTIFY}
 * on a connection of its own, and {@code LISTEN} on a dedicated connection.
 */
public final class WakeUpStore {

  private final DataSource dataSource;
  private final JdbcTemplate jdbc;

  public WakeUpStore(DataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /**
   * {@code NOTIFY kairos_due} at once, on a connection of its own (outside any transaction), whose
   * commit does not wait for the WAL to reach the disk ({@code synchronous_commit} off for this
   * transaction alone). A notifying commit holds a database-wide lock until it ends, so waiting for
   * the flush there would make every wake-up cost a disk sync, one after another, beside the
   * creates' own; and a wake-up needs no durability: a crash that loses one loses its listeners
   * too, and polling finds the job anyway.
   */
  public void wakeWorkersNow() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      st.execute(
          "select set_config('synchronous_commit', 'off', true), pg_notify('"
              + DueListener.CHANNEL
              + "', '')");
    }
  }

  /** A dedicated connection that LISTENs on the channel until it is closed. */
  public Subscription listen() throws SQLException {
    Connection connection = dataSource.getConnection();
    try (Statement statement = connection.createStatement()) {
      statement.execute("LISTEN " + DueListener.CHANNEL);
      return new Subscription(connection, connection.unwrap(PGConnection.class));
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** A connection listening for wake-ups. */
  public static final class Subscription implements AutoCloseable {

    private final Connection connection;
    private final PGConnection pg;

    private Subscription(Connection connection, PGConnection pg) {
      this.connection = connection;
      this.pg = pg;
    }

    /** Waits up to {@code millis} for notifications; whether any arrived. */
    public boolean awaitWakeUp(int millis) throws SQLException {
      PGNotification[] notifications = pg.getNotifications(millis);
      return notifications != null && notifications.length > 0;
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }
}
