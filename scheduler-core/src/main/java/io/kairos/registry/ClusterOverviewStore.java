package io.kairos.registry;

import io.kairos.job.JobState;
import io.kairos.job.RunOutcome;
import io.kairos.node.NodeSessionStore;
import io.kairos.node.WorkerNode;
import io.kairos.schema.KairosSchema;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the cluster is doing, for the dashboard: counts over the job registry, the task table,
 * history and the nodes table, read with the database's clock. Every query is an index lookup or a
 * range scan (the indexes are in {@code V21__dashboard_indexes.sql}), because the dashboard polls
 * it every few seconds; and the due backlog a worker's metrics export. Read-only.
 */
public final class ClusterOverviewStore {

  /** The chart's window: this many whole minutes, the current one included. */
  public static final int WINDOW_MINUTES = 60;

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  public ClusterOverviewStore(DataSource dataSource, KairosSchema schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
  }

  /**
   * The overview.
   *
   * @param silentAfter a node not seen for longer than this (and not stopped) counts as dead
   * @param recoveries how many of the latest recovered attempts to include
   */
  public Snapshot snapshot(Duration silentAfter, int recoveries) {
    Instant[] clock = new Instant[2];
    jdbc.query(
        "select now(), date_trunc('minute', now()) - make_interval(mins => ?)",
        rs -> {
          clock[0] = rs.getTimestamp(1).toInstant();
          clock[1] = rs.getTimestamp(2).toInstant();
        },
        WINDOW_MINUTES - 1);
    return new Snapshot(
        clock[0],
        jobsByState(),
        executionsPerMinute(clock[1]),
        clock[1],
        dueUnclaimed(),
        count(schema.sql("select count(*) from kairos_job where stale_since is not null")),
        nodeCounts(silentAfter),
        recentRecoveries(recoveries));
  }

  /**
   * Worker nodes in name order after {@code afterName} (null: from the start), each with how alive
   * it is and the executions it holds right now (keyset page).
   */
  public List<NodeStatus> nodes(String afterName, int limit, Duration silentAfter) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    List<NodeStatus> page =
        jdbc.query(
            schema.sql(
                "select name, host, pid, started_at, last_seen, state, running, state_since,"
                    + " last_seen < now() - make_interval(secs => ?) as silent, "
                    + UNRESPONSIVE
                    + " as unresponsive from kairos_node n where name > ? order by name limit ?"),
            (rs, row) -> {
              WorkerNode node =
                  new WorkerNode(
                      rs.getString("name"),
                      rs.getString("host"),
                      rs.getLong("pid"),
                      instant(rs, "started_at"),
                      instant(rs, "last_seen"),
                      WorkerNode.State.valueOf(rs.getString("state")),
                      rs.getInt("running"));
              Liveness liveness =
                  Liveness.of(node.state(), rs.getBoolean("silent"), rs.getBoolean("unresponsive"));
              Instant since =
                  switch (liveness) {
                    case UNRESPONSIVE -> node.lastSeen();
                    case DEAD ->
                        node.state() == WorkerNode.State.DEAD
                            ? instant(rs, "state_since")
                            : node.lastSeen().plus(silentAfter);
                    default -> instant(rs, "state_since");
                  };
              return new NodeStatus(node, liveness, List.of(), since);
            },
            seconds(silentAfter),
            afterName == null ? "" : afterName,
            limit);
    if (page.isEmpty()) {
      return page;
    }
    Map<String, List<InFlight>> held = inFlight(page.stream().map(n -> n.node().name()).toList());
    return page.stream()
        .map(
            n ->
                new NodeStatus(
                    n.node(),
                    n.liveness(),
                    held.getOrDefault(n.node().name(), List.of()),
                    n.since()))
        .toList();
  }

  /** Executions claimed right now by these nodes, by node. */
  public Map<String, List<InFlight>> inFlight(Collection<String> nodeNames) {
    Map<String, List<InFlight>> byNode = new LinkedHashMap<>();
    if (nodeNames.isEmpty()) {
      return byNode;
    }
    jdbc.query(
        con -> {
          var statement =
              con.prepareStatement(
                  schema.sql(
                      "select task_instance, task_name, picked_by, last_heartbeat from"
                          + " scheduled_tasks where picked and picked_by = any(?)"
                          + " order by picked_by, task_instance"));
          Array names = con.createArrayOf("text", nodeNames.toArray());
          statement.setArray(1, names);
          return statement;
        },
        rs -> {
          InFlight held =
              new InFlight(
                  rs.getString("task_instance"),
                  rs.getString("task_name"),
                  rs.getString("picked_by"),
                  instant(rs, "last_heartbeat"));
          byNode.computeIfAbsent(held.node(), n -> new ArrayList<>()).add(held);
        });
    return byNode;
  }

  private Map<JobState, Long> jobsByState() {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    for (JobState state : JobState.values()) {
      counts.put(state, 0L);
    }
    long[] active = {0};
    jdbc.query(
        schema.sql("select state, count(*) from kairos_job group by state"),
        rs -> {
          String state = rs.getString(1);
          if ("ACTIVE".equals(state)) {
            active[0] = rs.getLong(2);
          } else {
            counts.put(JobState.valueOf(state), rs.getLong(2));
          }
        });
    // ACTIVE splits into RUNNING (its execution is claimed) and SCHEDULED, as JobRows maps it.
    long running =
        count(
            schema.sql(
                "select count(*) from scheduled_tasks t join kairos_job j on j.id = t.task_instance"
                    + " and j.type = t.task_name where t.picked and j.state = 'ACTIVE'"));
    counts.put(JobState.RUNNING, running);
    counts.put(JobState.SCHEDULED, Math.max(0, active[0] - running));
    return counts;
  }

  private List<MinuteCount> executionsPerMinute(Instant windowStart) {
    return jdbc.query(
        schema.sql(
            "select date_trunc('minute', started_at) as minute, outcome, count(*) as n"
                + " from kairos_job_run where started_at >= ? group by 1, 2 order by 1, 2"),
        (rs, row) ->
            new MinuteCount(
                instant(rs, "minute"),
                RunOutcome.valueOf(rs.getString("outcome")),
                rs.getLong("n")),
        Timestamp.from(windowStart));
  }

  private Due dueUnclaimed() {
    return jdbc.queryForObject(
        schema.sql(
            "select count(*), extract(epoch from now() - min(execution_time)) from scheduled_tasks"
                + " where not picked and execution_time <= now()"),
        (rs, row) -> {
          double age = rs.getDouble(2);
          Duration oldest = rs.wasNull() ? null : Duration.ofMillis(Math.round(age * 1000));
          return new Due(rs.getLong(1), oldest);
        });
  }

  /** Executions due now that no worker has claimed, and how long the oldest has waited. */
  public record DueBacklog(long count, Duration oldestWait) {}

  /** The due backlog, for a worker's metrics. */
  public DueBacklog dueBacklog() {
    return jdbc.queryForObject(
        schema.sql(
            "select count(*) as n, coalesce(extract(epoch from now() - min(execution_time)) * 1000, 0)"
                + " as oldest from scheduled_tasks where not picked and execution_time <= now()"),
        (rs, row) ->
            new DueBacklog(rs.getLong("n"), Duration.ofMillis((long) rs.getDouble("oldest"))));
  }

  /**
   * Due, unclaimed executions by job type, only of the types no live worker serves (no node that
   * published the type and has not stopped was seen within {@code liveWithin}): work waiting for a
   * worker that is not there. Types every due execution of which some live worker serves are
   * absent.
   */
  public Map<String, Long> dueUnservedByType(Duration liveWithin) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    jdbc.query(
        schema.sql(
            "select j.type, count(*) from scheduled_tasks t join kairos_job j on j.id ="
                + " t.task_instance where not t.picked and t.execution_time <= now() and not exists"
                + " (select 1 from kairos_node_type nt join kairos_node n on n.name = nt.node where"
                + " nt.type_name = j.type and n.state <> 'STOPPED' and n.last_seen > now() - ? *"
                + " interval '1 millisecond') group by j.type"),
        rs -> {
          counts.put(rs.getString(1), rs.getLong(2));
        },
        liveWithin.toMillis());
    return counts;
  }

  /**
   * How many attempts started within {@code window} re-ran an execution whose worker died (marked
   * {@code recovered}): each says a worker stopped heartbeating and its work was revived.
   */
  public long recoveredWithin(Duration window) {
    Long n =
        jdbc.queryForObject(
            schema.sql(
                "select count(*) from kairos_job_run where recovered and started_at > now() -"
                    + " make_interval(secs => ?)"),
            Long.class,
            seconds(window));
    return n == null ? 0 : n;
  }

  private NodeCounts nodeCounts(Duration silentAfter) {
    long[] counts = new long[Liveness.values().length];
    jdbc.query(
        schema.sql(
            "select state, last_seen < now() - make_interval(secs => ?) as silent, "
                + UNRESPONSIVE
                + ", count(*) from kairos_node n group by 1, 2, 3"),
        rs -> {
          Liveness liveness =
              Liveness.of(
                  WorkerNode.State.valueOf(rs.getString(1)), rs.getBoolean(2), rs.getBoolean(3));
          counts[liveness.ordinal()] += rs.getLong(4);
        },
        seconds(silentAfter));
    return new NodeCounts(
        counts[Liveness.ALIVE.ordinal()],
        counts[Liveness.DRAINING.ordinal()],
        counts[Liveness.STOPPED.ordinal()],
        counts[Liveness.DEAD.ordinal()],
        counts[Liveness.UNRESPONSIVE.ordinal()]);
  }

  private List<Recovery> recentRecoveries(int limit) {
    if (limit < 1) {
      return List.of();
    }
    return jdbc.query(
        schema.sql(
            "select id, job_id, job_type, attempt, node, scheduled_for, started_at, outcome"
                + " from kairos_job_run where recovered order by id desc limit ?"),
        (rs, row) ->
            new Recovery(
                rs.getLong("id"),
                rs.getString("job_id"),
                rs.getString("job_type"),
                rs.getInt("attempt"),
                rs.getString("node"),
                instant(rs, "scheduled_for"),
                instant(rs, "started_at"),
                RunOutcome.valueOf(rs.getString("outcome"))),
        limit);
  }

  private long count(String sql) {
    Long n = jdbc.queryForObject(sql, Long.class);
    return n == null ? 0 : n;
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }

  /**
   * The overview at {@code takenAt} (database time).
   *
   * @param jobsByState every state, zeros included
   * @param executionsPerMinute attempts started per minute and outcome since {@code windowStart};
   *     minutes without attempts are absent
   * @param windowStart the first minute of the chart's window
   * @param due executions due and not claimed by any worker
   * @param stale jobs the stale-job watchdog marks as stale
   * @param recentRecoveries the latest attempts that re-ran a dead worker's execution, newest first
   */
  public record Snapshot(
      Instant takenAt,
      Map<JobState, Long> jobsByState,
      List<MinuteCount> executionsPerMinute,
      Instant windowStart,
      Due due,
      long stale,
      NodeCounts nodes,
      List<Recovery> recentRecoveries) {

    public Snapshot {
      jobsByState = Map.copyOf(jobsByState);
      executionsPerMinute = List.copyOf(executionsPerMinute);
      recentRecoveries = List.copyOf(recentRecoveries);
    }

    public long dead() {
      return jobsByState.getOrDefault(JobState.DEAD, 0L);
    }
  }

  /** Attempts started in one minute that ended (so far) with one outcome. */
  public record MinuteCount(Instant minute, RunOutcome outcome, long count) {}

  /**
   * Executions due and not claimed.
   *
   * @param oldestAge how long the oldest of them has been due; null when there is none
   */
  public record Due(long count, Duration oldestAge) {}

  /** Nodes by how alive they are. */
  public record NodeCounts(long alive, long draining, long stopped, long dead, long unresponsive) {

    public NodeCounts(long alive, long draining, long stopped, long dead) {
      this(alive, draining, stopped, dead, 0);
    }
  }

  /** An attempt that re-ran an execution whose worker died. */
  public record Recovery(
      long runId,
      String jobId,
      String jobType,
      int attempt,
      String node,
      Instant scheduledFor,
      Instant startedAt,
      RunOutcome outcome) {}

  /** A node with how alive it is and the executions it holds. */
  /**
   * @param since when the node entered its liveness (database clock): when it was last heard from,
   *     for one UNRESPONSIVE or silent beyond the dead-after window
   */
  public record NodeStatus(
      WorkerNode node, Liveness liveness, List<InFlight> inFlight, Instant since) {

    public NodeStatus {
      inFlight = List.copyOf(inFlight);
    }
  }

  /** An execution a node has claimed and is running. */
  public record InFlight(String jobId, String type, String node, Instant lastHeartbeat) {}

  /**
   * Silent for {@value #UNRESPONSIVE_SECONDS} s, or without the session lock it took on this very
   * server (see {@code NodeSessionStore}): the node may be partitioned, paused or dying.
   */
  private static final String UNRESPONSIVE =
      "(n.last_seen < now() - interval '"
          + ClusterOverviewStore.UNRESPONSIVE_SECONDS
          + " seconds' or (n.session_server = pg_postmaster_start_time() and not "
          + NodeSessionStore.LOCK_HELD
          + "))";

  /** A worker reports every second: three missed reports make it UNRESPONSIVE. */
  static final int UNRESPONSIVE_SECONDS = 3;

  /**
   * How alive a node is: {@code STOPPED} when it said so on its way out; {@code DEAD} when another
   * node found its session gone and revived its executions, or it went silent beyond the dead-after
   * window without saying it stopped (crash, partition); {@code UNRESPONSIVE} when it is silent for
   * a few seconds or its session is gone, not yet judged; else what it reports.
   */
  public enum Liveness {
    ALIVE,
    DRAINING,
    STOPPED,
    DEAD,
    UNRESPONSIVE;

    static Liveness of(WorkerNode.State state, boolean silent, boolean unresponsive) {
      if (state == WorkerNode.State.STOPPED) {
        return STOPPED;
      }
      if (silent || state == WorkerNode.State.DEAD) {
        return DEAD;
      }
      if (unresponsive) {
        return UNRESPONSIVE;
      }
      return state == WorkerNode.State.DRAINING ? DRAINING : ALIVE;
    }
  }
}
