package io.kairos.execution;

import io.kairos.registry.JobRows;
import io.kairos.schema.KairosSchema;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The statements on a worker's claims besides db-scheduler's own: whether an attempt may start (its
 * claim and the cluster pause, one read), handing a claim back unstarted, and renewing the claims
 * db-scheduler does not heartbeat. Each is version-checked like db-scheduler's own writes.
 */
final class ClaimStore {

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  ClaimStore(DataSource dataSource, KairosSchema schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
  }

  /** Whether an attempt may start now: see {@link #startable}. */
  enum Startable {
    /** The claim is this worker's and the cluster is not paused. */
    YES,
    /** Another worker holds the execution now (or nobody does). */
    NOT_CLAIMED,
    /** The claim is this worker's, but the cluster is paused: hand it back ({@link #release}). */
    CLUSTER_PAUSED
  }

  /**
   * Whether this worker still holds the claim it was given (the execution is picked by {@code node}
   * at {@code version}) and the cluster is not paused ({@code kairos_control}, owned by {@code
   * ClusterSwitch}), read together in one statement just before the handler runs. A read, no
   * commit.
   */
  Startable startable(String type, String id, long version, String node) {
    return jdbc.queryForObject(
        schema.sql(
            "select exists (select 1 from scheduled_tasks where task_name = ? and task_instance = ?"
                + " and version = ? and picked and picked_by = ?) as claimed, exists (select 1 from"
                + " kairos_control where paused) as paused"),
        (rs, row) ->
            !rs.getBoolean("claimed")
                ? Startable.NOT_CLAIMED
                : rs.getBoolean("paused") ? Startable.CLUSTER_PAUSED : Startable.YES,
        type,
        id,
        version,
        node);
  }

  /**
   * Hands a claimed execution back unstarted: unpicked, at its time and with its data (so no
   * attempt is counted), version-checked like db-scheduler's own writes. For an attempt that must
   * not start (the cluster is paused); false when the claim is no longer this worker's.
   */
  boolean release(String type, String id, long version, String node) {
    return jdbc.update(
            schema.sql(
                "update scheduled_tasks set picked = false, picked_by = null, last_heartbeat = null,"
                    + " version = version + 1 where task_name = ? and task_instance = ? and version ="
                    + " ? and picked and picked_by = ?"),
            type,
            id,
            version,
            node)
        == 1;
  }

  /**
   * Renews the heartbeat of claims this worker holds while db-scheduler does not heartbeat them
   * (claimed and queued for a thread, or with a result waiting for its group commit), each
   * conditioned on the version it was claimed at: one statement for all. Returns the claims that
   * still matched; the others ended or were taken over.
   */
  Set<ExecutionKey> renewClaims(Map<ExecutionKey, Long> claims, Instant now) {
    if (claims.isEmpty()) {
      return Set.of();
    }
    List<Map.Entry<ExecutionKey, Long>> sorted = new ArrayList<>(claims.entrySet());
    // The order in which group commits lock rows too, so the two cannot deadlock.
    sorted.sort(
        java.util.Comparator.comparing((Map.Entry<ExecutionKey, Long> e) -> e.getKey().taskName())
            .thenComparing(e -> e.getKey().taskInstance()));
    Set<ExecutionKey> renewed = new HashSet<>();
    jdbc.query(
        schema.sql(
            "update scheduled_tasks t set last_heartbeat = ? from unnest(?::text[], ?::text[],"
                + " ?::bigint[]) as x(task_name, task_instance, version) where t.task_name ="
                + " x.task_name and t.task_instance = x.task_instance and t.version = x.version and"
                + " t.picked returning t.task_name, t.task_instance"),
        ps -> {
          Connection c = ps.getConnection();
          ps.setTimestamp(1, Timestamp.from(now));
          ps.setArray(
              2, c.createArrayOf("text", JobRows.column(sorted, e -> e.getKey().taskName())));
          ps.setArray(
              3, c.createArrayOf("text", JobRows.column(sorted, e -> e.getKey().taskInstance())));
          ps.setArray(4, c.createArrayOf("int8", JobRows.column(sorted, Map.Entry::getValue)));
        },
        (RowCallbackHandler) rs -> renewed.add(new ExecutionKey(rs.getString(1), rs.getString(2))));
    return renewed;
  }
}
