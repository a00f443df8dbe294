package io.kairos.node;

import io.kairos.schema.KairosSchema;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** The worker nodes table; every timestamp is the database's. */
public final class NodeStore {

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  public NodeStore(DataSource dataSource, KairosSchema schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
  }

  /** A live worker holds the name this one asked for. */
  public static final class NodeNameInUse extends RuntimeException {
    private final WorkerNode live;

    NodeNameInUse(WorkerNode live, Duration deadAfter) {
      super(
          "node '"
              + live.name()
              + "' is held by a live worker (host "
              + live.host()
              + ", pid "
              + live.pid()
              + ", state "
              + live.state()
              + ", last seen "
              + live.lastSeen()
              + ", within the dead-after window of "
              + deadAfter
              + ")");
      this.live = live;
    }

    public WorkerNode live() {
      return live;
    }
  }

  /**
   * Registers this worker under {@code name}, unless a worker of that name is alive: seen within
   * {@code deadAfter} and not STOPPED. Two workers with one name would share {@code picked_by}, so
   * each would take the other's executions for its own; the name of a dead or stopped node may be
   * reused. The check and the claim are one statement, so of two workers starting together with one
   * name exactly one gets it.
   *
   * @throws NodeNameInUse naming the live node
   */
  public void register(String name, String host, long pid, Duration deadAfter) {
    register(name, host, pid, deadAfter, null);
  }

  /**
   * As {@link #register(String, String, long, Duration)}, for the incarnation whose session lock
   * {@code session} holds: other nodes judge it by that lock from now on ({@link SessionWatch}).
   * The name of a node declared DEAD may be reused at once.
   */
  public void register(
      String name, String host, long pid, Duration deadAfter, NodeSessionStore.Held session) {
    List<String> claimed =
        jdbc.queryForList(
            schema.sql(
                "insert into kairos_node (name, host, pid, started_at, last_seen, state, running,"
                    + " incarnation, session_server, state_since)"
                    + " values (?, ?, ?, now(), now(), 'RUNNING', 0, ?, ?, now())"
                    + " on conflict (name) do update set host = excluded.host, pid = excluded.pid,"
                    + " started_at = now(), last_seen = now(), state = 'RUNNING', running = 0,"
                    + " incarnation = excluded.incarnation, session_server ="
                    + " excluded.session_server, state_since = now()"
                    + " where kairos_node.state in ('STOPPED', 'DEAD')"
                    + " or kairos_node.last_seen < now() - ? * interval '1 millisecond'"
                    + " returning name"),
            String.class,
            name,
            host,
            pid,
            session == null ? null : session.incarnation(),
            session == null ? null : Timestamp.from(session.server()),
            deadAfter.toMillis());
    if (claimed.isEmpty()) {
      WorkerNode live =
          find(name)
              .orElseThrow(
                  () -> new IllegalStateException("node '" + name + "' could not be registered"));
      throw new NodeNameInUse(live, deadAfter);
    }
  }

  /**
   * The node's incarnation took its session lock again, after losing its session, on {@code
   * session}'s server.
   *
   * @return false if the incarnation was declared dead meanwhile (or the name went to another
   *     worker): its executions were revived, and it may only come back as a new incarnation
   */
  public boolean sessionRetaken(String name, NodeSessionStore.Held session) {
    return jdbc.update(
            schema.sql(
                "update kairos_node set session_server = ?, last_seen = now() where name = ? and"
                    + " incarnation = ? and state in ('RUNNING', 'DRAINING')"),
            Timestamp.from(session.server()),
            name,
            session.incarnation())
        == 1;
  }

  /**
   * Registers a new incarnation of a node that was declared dead while it lived on (it had lost its
   * session), in {@code state}.
   *
   * @return false if the name was taken by another worker meanwhile
   */
  public boolean reincarnate(
      String name, long deadIncarnation, NodeSessionStore.Held session, WorkerNode.State state) {
    return jdbc.update(
            schema.sql(
                "update kairos_node set incarnation = ?, session_server = ?, state = ?,"
                    + " state_since = now(), last_seen = now() where name = ? and incarnation = ?"
                    + " and state = 'DEAD'"),
            session.incarnation(),
            Timestamp.from(session.server()),
            state.name(),
            name,
            deadIncarnation)
        == 1;
  }

  public Optional<WorkerNode> find(String name) {
    return jdbc
        .query(schema.sql("select * from kairos_node where name = ?"), NodeStore::map, name)
        .stream()
        .findFirst();
  }

  /**
   * Refreshes the node's row: seen now, in {@code state}, running {@code running} executions. A
   * node declared DEAD stays so (it comes back only as a new incarnation).
   */
  public void report(String name, WorkerNode.State state, int running) {
    jdbc.update(
        schema.sql(
            "update kairos_node set last_seen = now(), state = ?, running = ?, state_since ="
                + " case when state = ? then state_since else now() end where name = ? and state"
                + " <> 'DEAD'"),
        state.name(),
        running,
        state.name(),
        name);
  }

  public List<WorkerNode> all() {
    return jdbc.query(schema.sql("select * from kairos_node order by name"), NodeStore::map);
  }

  /**
   * Every node with its status, judged now on the database clock: silent for {@code unresponsive}
   * (or without its session lock) is UNRESPONSIVE, silent for {@code deadAfter} is DEAD.
   */
  public List<NodeState> states(Duration unresponsive, Duration deadAfter) {
    return jdbc.query(
        schema.sql(
            "select n.*, n.last_seen < now() - ? * interval '1 millisecond' as silent,"
                + " n.last_seen < now() - ? * interval '1 millisecond' as long_silent,"
                + " n.last_seen + ? * interval '1 millisecond' as dead_since,"
                + " n.session_server = pg_postmaster_start_time() and not "
                + NodeSessionStore.LOCK_HELD
                + " as sessionless from kairos_node n order by n.name"),
        (rs, row) -> {
          WorkerNode node = map(rs, row);
          Instant since = rs.getTimestamp("state_since").toInstant();
          NodeState.Status status =
              switch (node.state()) {
                case STOPPED -> NodeState.Status.STOPPED;
                case DEAD -> NodeState.Status.DEAD;
                case RUNNING, DRAINING -> {
                  if (rs.getBoolean("long_silent")) {
                    since = rs.getTimestamp("dead_since").toInstant();
                    yield NodeState.Status.DEAD;
                  }
                  if (rs.getBoolean("silent") || rs.getBoolean("sessionless")) {
                    since = node.lastSeen();
                    yield NodeState.Status.UNRESPONSIVE;
                  }
                  yield node.state() == WorkerNode.State.DRAINING
                      ? NodeState.Status.DRAINING
                      : NodeState.Status.ALIVE;
                }
              };
          return new NodeState(node, status, since);
        },
        unresponsive.toMillis(),
        deadAfter.toMillis(),
        deadAfter.toMillis());
  }

  private static WorkerNode map(ResultSet rs, int row) throws SQLException {
    return new WorkerNode(
        rs.getString("name"),
        rs.getString("host"),
        rs.getLong("pid"),
        rs.getTimestamp("started_at").toInstant(),
        rs.getTimestamp("last_seen").toInstant(),
        WorkerNode.State.valueOf(rs.getString("state")),
        rs.getInt("running"));
  }
}
