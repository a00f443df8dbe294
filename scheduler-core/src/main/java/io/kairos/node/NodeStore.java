package io.kairos.node;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** The worker nodes table; every timestamp is the database's. */
public final class NodeStore {

  private final JdbcTemplate jdbc;

  public NodeStore(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  public void register(String name, String host, long pid) {
    jdbc.update(
        "insert into kairos_node (name, host, pid, started_at, last_seen, state, running)"
            + " values (?, ?, ?, now(), now(), 'RUNNING', 0)"
            + " on conflict (name) do update set host = excluded.host, pid = excluded.pid,"
            + " started_at = now(), last_seen = now(), state = 'RUNNING', running = 0",
        name,
        host,
        pid);
  }

  public void report(String name, WorkerNode.State state, int running) {
    jdbc.update(
        "update kairos_node set last_seen = now(), state = ?, running = ? where name = ?",
        state.name(),
        running,
        name);
  }

  /** Deletes nodes not seen for longer than {@code after}; returns how many. */
  public int pruneNotSeenFor(Duration after) {
    return jdbc.update(
        "delete from kairos_node where last_seen < now() - make_interval(secs => ?)",
        after.toSeconds());
  }

  public List<WorkerNode> all() {
    return jdbc.query("select * from kairos_node order by name", NodeStore::map);
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
