package io.kairos.node;

import io.kairos.schema.KairosSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Liveness by database session: the statements on the session lock each worker incarnation holds (a
 * session-level advisory lock keyed by its incarnation, on a connection of its own), and on the
 * nodes whose lock is free. When a worker process dies, PostgreSQL ends its sessions and frees its
 * lock at once; no heartbeat has to go stale first.
 *
 * <p>A lock is judged only on the server it was taken on ({@code session_server}, that server's
 * {@code pg_postmaster_start_time()}): after a restart or a failover no lock survives, and the
 * nodes are judged by their heartbeats until each has taken its lock again.
 */
public final class NodeSessionStore {

  /**
   * An SQL condition: whether node {@code n}'s ({@code kairos_node n}) incarnation lock is held by
   * some session of this database.
   */
  public static final String LOCK_HELD =
      "exists (select 1 from pg_locks l where l.locktype = 'advisory' and l.granted and l.database"
          + " = (select oid from pg_database where datname = current_database()) and l.objsubid = 1"
          + " and l.classid::bigint = (n.incarnation >> 32) & 4294967295"
          + " and l.objid::bigint = n.incarnation & 4294967295)";

  private final DataSource dataSource;
  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  public NodeSessionStore(DataSource dataSource, KairosSchema schema) {
    this.dataSource = dataSource;
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
  }

  /** A session holding an incarnation's lock; closing it frees the lock. */
  public static final class Held implements AutoCloseable {
    private final Connection connection;
    private final long incarnation;
    private final Instant server;

    private Held(Connection connection, long incarnation, Instant server) {
      this.connection = connection;
      this.incarnation = incarnation;
      this.server = server;
    }

    public long incarnation() {
      return incarnation;
    }

    /** The start time of the server the lock is held on. */
    public Instant server() {
      return server;
    }

    /**
     * Waits up to {@code millis} for the session to end (the server ended it, or the connection
     * broke); returns at once when it has. A session cut off by a partition is not seen to end: the
     * lease covers that.
     */
    public boolean lost(int millis) {
      try {
        if (connection.isClosed()) {
          return true;
        }
        // Blocks reading the socket: a terminated backend's goodbye or a reset arrives at once.
        connection.unwrap(PGConnection.class).getNotifications(millis);
        return false;
      } catch (SQLException e) {
        return true;
      }
    }

    /** Frees the lock and gives the connection back to its pool (which keeps the session). */
    @Override
    public void close() {
      try (connection;
          PreparedStatement st = connection.prepareStatement("select pg_advisory_unlock(?)")) {
        st.setLong(1, incarnation);
        st.execute();
      } catch (SQLException | RuntimeException e) {
        // The session is gone already: so is the lock.
      }
    }
  }

  /**
   * Takes incarnation {@code incarnation}'s lock on a connection of its own, held until {@link
   * Held#close()} (the connection is taken from the pool and kept: a pool of n gives n − 1 to the
   * rest of the worker).
   *
   * @throws IllegalStateException if another session holds that lock
   */
  public Held take(long incarnation) throws SQLException {
    Connection connection = dataSource.getConnection();
    try {
      connection.setAutoCommit(true);
      try (PreparedStatement st =
          connection.prepareStatement(
              "select pg_try_advisory_lock(?), pg_postmaster_start_time()")) {
        st.setLong(1, incarnation);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            throw new IllegalStateException(
                "the session lock of incarnation " + incarnation + " is held by another session");
          }
          return new Held(connection, incarnation, rs.getTimestamp(2).toInstant());
        }
      }
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** An execution a node holds: {@code scheduled_tasks}'s key. */
  public record Claim(String taskName, String taskInstance) {}

  /** A registered, not stopped node whose incarnation's lock no session holds. */
  public record Sessionless(String name, long incarnation) {}

  /** Nodes RUNNING or DRAINING whose lock, taken on this very server, no session holds now. */
  public List<Sessionless> sessionless() {
    return jdbc.query(
        schema.sql(
            "select n.name, n.incarnation from kairos_node n where n.state in ('RUNNING',"
                + " 'DRAINING') and n.incarnation is not null and n.session_server ="
                + " pg_postmaster_start_time() and not "
                + LOCK_HELD),
        (rs, row) -> new Sessionless(rs.getString(1), rs.getLong(2)));
  }

  /**
   * Declares the node's incarnation DEAD if its lock is still free, and returns the executions it
   * holds (to revive at once); empty if it is not that incarnation any more, or holds its lock
   * again. The node row stays locked until the transaction this runs in ends, so the node cannot
   * come back as a new incarnation and claim anything before the revival committed.
   */
  public Optional<List<Claim>> declareDead(Sessionless node) {
    List<String> declared =
        jdbc.queryForList(
            schema.sql(
                "update kairos_node n set state = 'DEAD', state_since = now() where n.name = ?"
                    + " and n.incarnation = ? and n.state in ('RUNNING', 'DRAINING') and"
                    + " n.session_server = pg_postmaster_start_time() and not "
                    + LOCK_HELD
                    + " returning n.name"),
            String.class,
            node.name(),
            node.incarnation());
    if (declared.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        jdbc.query(
            schema.sql(
                "select task_name, task_instance from scheduled_tasks where picked and picked_by = ?"),
            (rs, row) -> new Claim(rs.getString(1), rs.getString(2)),
            node.name()));
  }
}
