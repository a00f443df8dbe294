package io.kairos.node;

import io.kairos.schema.KairosSchema;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
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
    List<String> claimed =
        jdbc.queryForList(
            schema.sql(
                "insert into kairos_node (name, host, pid, started_at, last_seen, state, running)"
                    + " values (?, ?, ?, now(), now(), 'RUNNING', 0)"
                    + " on conflict (name) do update set host = excluded.host, pid = excluded.pid,"
                    + " started_at = now(), last_seen = now(), state = 'RUNNING', running = 0"
                    + " where kairos_node.state = 'STOPPED'"
                    + " or kairos_node.last_seen < now() - ? * interval '1 millisecond'"
                    + " returning name"),
            String.class,
            name,
            host,
            pid,
            deadAfter.toMillis());
    if (claimed.isEmpty()) {
      WorkerNode live =
          find(name)
              .orElseThrow(
                  () -> new IllegalStateException("node '" + name + "' could not be registered"));
      throw new NodeNameInUse(live, deadAfter);
    }
  }

  public Optional<WorkerNode> find(String name) {
    return jdbc
        .query(schema.sql("select * from kairos_node where name = ?"), NodeStore::map, name)
        .stream()
        .findFirst();
  }

  public void report(String name, WorkerNode.State state, int running) {
    jdbc.update(
        schema.sql(
            "update kairos_node set last_seen = now(), state = ?, running = ? where name = ?"),
        state.name(),
        running,
        name);
  }

  public List<WorkerNode> all() {
    return jdbc.query(schema.sql("select * from kairos_node order by name"), NodeStore::map);
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
