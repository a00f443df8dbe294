package io.kairos.cluster;

import io.kairos.schema.KairosSchema;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The statements on {@code kairos_control}, the cluster-wide pause's one row (its only owner), and
 * the count of executions running cluster-wide that an operator pausing the cluster waits for.
 */
final class ClusterSwitchStore {

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  ClusterSwitchStore(DataSource dataSource, KairosSchema schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
  }

  ClusterSwitch.State state() {
    return jdbc.queryForObject(
        schema.sql(
            "select paused, changed_at, changed_by, paused_at, resumed_at from kairos_control"
                + " where id = 1"),
        ClusterSwitchStore::map);
  }

  boolean paused() {
    return Boolean.TRUE.equals(
        jdbc.queryForObject(
            schema.sql("select paused from kairos_control where id = 1"), Boolean.class));
  }

  /** Pauses the cluster unless it is paused. */
  void pause(String by) {
    jdbc.update(
        schema.sql(
            "update kairos_control set paused = true, changed_at = now(), changed_by = ?,"
                + " paused_at = now() where id = 1 and not paused"),
        by);
  }

  /** Resumes the cluster unless it is running. */
  void resume(String by) {
    jdbc.update(
        schema.sql(
            "update kairos_control set paused = false, changed_at = now(), changed_by = ?,"
                + " resumed_at = now() where id = 1 and paused"),
        by);
  }

  /** How many executions workers are running right now, cluster-wide. */
  int runningCount() {
    Integer n =
        jdbc.queryForObject(
            schema.sql("select count(*) from scheduled_tasks where picked"), Integer.class);
    return n == null ? 0 : n;
  }

  private static ClusterSwitch.State map(ResultSet rs, int row) throws SQLException {
    return new ClusterSwitch.State(
        rs.getBoolean("paused"),
        instant(rs.getTimestamp("changed_at")),
        rs.getString("changed_by"),
        instant(rs.getTimestamp("paused_at")),
        instant(rs.getTimestamp("resumed_at")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
