package io.kairos.limits;

import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.shaded.jdbc.JdbcRunner;
import com.github.kagkarlsson.shaded.jdbc.ResultSetMapper;
import io.kairos.schema.KairosSchema;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claim under flow limits that no limit can bind, in one statement on an auto-commit
 * connection: one round trip, as a claim without limits takes. Before it locks a row, the statement
 * calls the schema's function {@code kairos_lock_if_no_limit_can_bind} once, which takes the
 * cluster-wide limits lock and then, with a snapshot taken after it, checks that every limit of the
 * claimed types has room for all the claim asks whatever their keys (the fullest counter of each,
 * or an unused one, plus all it asks within the maximum) and every rate limit room for twice what
 * started and what it asks; then the claim takes due jobs in claim order and logs their starts in
 * bulk ({@link RateStarts}). Only when it claims nothing does a claim count and choose, in a
 * transaction under the lock ({@link LimitedClaims}).
 */
final class InOrderClaimStore {

  private final KairosSchema schema;
  private final FlowLimits limits;
  private final LimitClaimStore store;

  InOrderClaimStore(KairosSchema schema, FlowLimits limits, LimitClaimStore store) {
    this.schema = schema;
    this.limits = limits;
    this.store = store;
  }

  /** Executions claimed in one statement, and the database's time just after the limits lock. */
  record Claimed(Instant databaseTime, List<Execution> executions) {}

  /** The limits of a set of types, as {@code kairos_lock_if_no_limit_can_bind} takes them. */
  private record LimitArrays(
      Object[] limitTypes,
      Object[] limitPatterns,
      Object[] limitRunning,
      Object[] rateIds,
      Object[] rateStarts,
      Object[] keyTypes,
      Object[] keyPaths) {}

  private final Map<Set<String>, LimitArrays> arraysByTypes = new ConcurrentHashMap<>();

  /**
   * Claims up to {@code wanted} due executions of {@code types} in claim order (rows locked and
   * skipped if locked, then marked picked), if no limit can bind them; else nothing. Under rate
   * limits it also logs the starts of what it claims, from the lock's time. The statement's
   * transaction ends, and gives the lock back, as soon as it has claimed.
   */
  Claimed claimInOneStatement(
      JdbcRunner runner,
      String lockName,
      Instant now,
      Set<String> types,
      int wanted,
      boolean orderByPriority,
      String pickedBy,
      ResultSetMapper<List<Execution>> mapper) {
    LimitArrays arrays = arraysByTypes.computeIfAbsent(Set.copyOf(types), this::arraysOf);
    return runner.query(
        schema.sql(
            "with gate as materialized (select "
                + schema.name()
                + ".kairos_lock_if_no_limit_can_bind(?, "
                + wanted
                + ", ?, ?, ?, ?, ?, ?, ?) as locked_at), candidates as materialized (select"
                + " t.task_name, t.task_instance from scheduled_tasks t where not t.picked and"
                + " t.execution_time <= ? and coalesce(t.task_name = any(?), false) and not"
                + " exists (select 1 from kairos_control where paused) and (select locked_at from"
                + " gate) is not null order by "
                + (orderByPriority ? "t.priority desc, " : "")
                + "t.execution_time asc for update skip locked limit "
                + wanted
                + "), taken as (update scheduled_tasks st set picked = true, picked_by = ?,"
                + " last_heartbeat = ?, version = st.version + 1 from candidates c where"
                + " st.task_name = c.task_name and st.task_instance = c.task_instance returning"
                + " st.*)"
                + startsTaken(types)
                + " select t.*, (select locked_at from gate) as locked_at from taken t"),
        ps -> {
          Connection c = ps.getConnection();
          ps.setString(1, lockName);
          ps.setArray(2, c.createArrayOf("text", arrays.limitTypes()));
          ps.setArray(3, c.createArrayOf("text", arrays.limitPatterns()));
          ps.setArray(4, c.createArrayOf("int4", arrays.limitRunning()));
          ps.setArray(5, c.createArrayOf("text", arrays.rateIds()));
          ps.setArray(6, c.createArrayOf("int4", arrays.rateStarts()));
          ps.setArray(7, c.createArrayOf("text", arrays.keyTypes()));
          ps.setArray(8, c.createArrayOf("text", arrays.keyPaths()));
          ps.setTimestamp(9, Timestamp.from(now));
          ps.setArray(10, c.createArrayOf("text", types.toArray()));
          ps.setString(11, pickedBy);
          ps.setTimestamp(12, Timestamp.from(now));
        },
        (ResultSetMapper<Claimed>) rows -> mapWithLockTime(rows, mapper));
  }

  /**
   * The statements, after a claim's {@code taken} rows, that log a start for each under each rate
   * limit that applies to it, counted until {@link RateStarts#expiryOf} says from the lock's time;
   * and forget the starts expired by then. None without rate limits. Intervals are written in whole
   * microseconds and rounded up as {@link RateStarts#countedUntil} rounds ({@code date_bin} floors:
   * a microsecond back, then a tenth on).
   */
  private String startsTaken(Collection<String> types) {
    List<String> logged = new ArrayList<>();
    for (String type : new TreeSet<>(types)) {
      for (FlowLimit limit : limits.of(type)) {
        if (limit.maxStarts() == null) {
          continue;
        }
        String tenth = "interval '" + RateStarts.tenthOf(limit) + " microseconds'";
        logged.add(
            "select '"
                + LimitedClaims.rateId(limit)
                + "'::text, "
                + (limit.key() == null ? "''" : store.keyExpression())
                + ", date_bin("
                + tenth
                + ", (select locked_at from gate) + interval '"
                + exactMicros(limit)
                + " microseconds' - interval '1 microsecond', timestamptz 'epoch') + "
                + tenth
                + " from taken t"
                + (limit.key() == null ? "" : store.jobJoin())
                + " where t.task_name = '"
                + type
                + "'"
                + (limit.key() == null
                    ? ""
                    : " and " + store.keyExpression() + " like '" + like(limit.key()) + "'"));
      }
    }
    if (logged.isEmpty()) {
      return "";
    }
    return ", expired as (delete from kairos_limit_start where expires_at <= (select locked_at"
        + " from gate)), starts as (insert into kairos_limit_start as s (limit_id, limit_key,"
        + " expires_at, starts) select x.limit_id, x.limit_key, x.expires_at, count(*) from ("
        + String.join(" union all ", logged)
        + ") as x(limit_id, limit_key, expires_at) group by 1, 2, 3 order by 1, 2, 3 on conflict"
        + " (limit_id, limit_key, expires_at) do update set starts = s.starts + excluded.starts)";
  }

  /** How long after its claim a start is counted, before rounding: whole microseconds, up. */
  private static long exactMicros(FlowLimit limit) {
    Duration exact = limit.per().plus(RateStarts.windowOf(limit));
    long micros = exact.toNanos() / 1_000;
    return exact.toNanos() % 1_000 == 0 ? micros : micros + 1;
  }

  /**
   * db-scheduler's mapping of the claimed rows, reading the database's time after the lock (a
   * column of every row) as the mapper steps from row to row.
   */
  private static Claimed mapWithLockTime(ResultSet rows, ResultSetMapper<List<Execution>> mapper)
      throws SQLException {
    Instant[] lockedAt = new Instant[1];
    ResultSet reading =
        (ResultSet)
            Proxy.newProxyInstance(
                ResultSet.class.getClassLoader(),
                new Class<?>[] {ResultSet.class},
                (proxy, method, args) -> {
                  Object result;
                  try {
                    result = method.invoke(rows, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                  if (method.getName().equals("next") && Boolean.TRUE.equals(result)) {
                    lockedAt[0] = rows.getTimestamp("locked_at").toInstant();
                  }
                  return result;
                });
    List<Execution> executions = mapper.map(reading);
    return new Claimed(lockedAt[0], executions);
  }

  private LimitArrays arraysOf(Set<String> types) {
    List<Object> limitTypes = new ArrayList<>();
    List<Object> limitPatterns = new ArrayList<>();
    List<Object> limitRunning = new ArrayList<>();
    List<Object> rateIds = new ArrayList<>();
    List<Object> rateStarts = new ArrayList<>();
    for (String type : new TreeSet<>(types)) {
      for (FlowLimit limit : limits.of(type)) {
        if (limit.maxRunning() != null) {
          limitTypes.add(type);
          limitPatterns.add(limit.key() == null ? null : like(limit.key()));
          limitRunning.add(limit.maxRunning());
        }
        if (limit.maxStarts() != null) {
          rateIds.add(LimitedClaims.rateId(limit));
          rateStarts.add(limit.maxStarts());
        }
      }
    }
    List<Object> keyTypes = new ArrayList<>();
    List<Object> keyPaths = new ArrayList<>();
    limits
        .keyFrom()
        .forEach(
            (type, pointer) -> {
              keyTypes.add(type);
              keyPaths.add("{" + pointer.substring(1).replace('/', ',') + "}");
            });
    return new LimitArrays(
        limitTypes.toArray(),
        limitPatterns.toArray(),
        limitRunning.toArray(),
        rateIds.toArray(),
        rateStarts.toArray(),
        keyTypes.toArray(),
        keyPaths.toArray());
  }

  /** A key pattern ({@code *}: any characters) as a LIKE pattern, where {@code _} is literal. */
  private static String like(String pattern) {
    return pattern.replace("_", "\\_").replace("*", "%");
  }
}
