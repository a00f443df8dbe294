package io.kairos.limits;

import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.shaded.jdbc.JdbcRunner;
import com.github.kagkarlsson.shaded.jdbc.ResultSetMapper;
import com.github.kagkarlsson.shaded.jdbc.RowMapper;
import io.kairos.schema.KairosSchema;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The statements of a claim under flow limits, all run in one transaction that holds the
 * cluster-wide limits lock (so two claims never both count the same free slot): the lock and the
 * database's time, what runs and what started, the due candidates, the claim itself and the log of
 * starts for rate limits. Running is what {@code scheduled_tasks} shows picked: a slot is taken
 * with the claim and given back by whatever ends it (completion, retry, revival of a dead worker's
 * execution), with nothing to keep in step.
 */
final class LimitClaimStore {

  /**
   * A job's key read from its payload: the value at the type's pointer; an absolute URL gives its
   * host.
   */
  private static final String URL_HOST = "'^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]+)'";

  private final KairosSchema schema;
  private final String key;

  /** The join to the job row the key is read from; none when no limit is per key. */
  private final String jobJoin;

  private final String lockName;

  LimitClaimStore(KairosSchema schema, FlowLimits limits) {
    this.schema = schema;
    this.lockName = schema.name() + ".flow-limits";
    // Type names and pointers are validated (FlowLimits, FlowLimit): safe to inline.
    StringBuilder value = new StringBuilder("case t.task_name");
    limits
        .keyFrom()
        .forEach(
            (type, pointer) ->
                value
                    .append(" when '")
                    .append(type)
                    .append("' then j.payload #>> '{")
                    .append(pointer.substring(1).replace('/', ','))
                    .append("}'"));
    // A job's own key comes first; only a job without one has a key read from its payload. Without
    // a limit per key no key is read at all: the claim then needs no join to the job rows.
    boolean perKey = limits.all().stream().anyMatch(limit -> limit.key() != null);
    this.jobJoin = perKey ? " left join kairos_job j on j.id = t.task_instance" : "";
    this.key =
        !perKey
            ? "null::text"
            : limits.keyFrom().isEmpty()
                ? "j.concurrency_key"
                : "coalesce(j.concurrency_key, (select coalesce(lower(substring(k.v from "
                    + URL_HOST
                    + ")), k.v) from (select "
                    + value.append(" end")
                    + " as v) k))";
  }

  /**
   * The SQL expression of a job's key ({@code t}: its execution, {@code j}: its job row): its own
   * {@code concurrency_key}, else the key read from its payload, else null.
   */
  String keyExpression() {
    return key;
  }

  /** The join to the job rows that {@link #keyExpression} needs ({@code j}), or nothing. */
  String jobJoin() {
    return jobJoin;
  }

  /** The name of the cluster-wide lock of limited claims (hashed to an advisory lock's key). */
  String lockName() {
    return lockName;
  }

  /** Takes the cluster-wide lock of limited claims; returns the database's time after it. */
  Instant lock(JdbcRunner tx) {
    return tx.query(
            "select pg_advisory_xact_lock(hashtext(?)), clock_timestamp()",
            ps -> ps.setString(1, lockName),
            rows(rs -> rs.getTimestamp(2).toInstant()))
        .get(0);
  }

  /** The database's time now. */
  Instant now(JdbcRunner tx) {
    return tx.query(
            "select clock_timestamp()", ps -> {}, rows(rs -> rs.getTimestamp(1).toInstant()))
        .get(0);
  }

  /** A type and key with a count. */
  record Count(String type, String key, int count) {}

  /** How many executions of these types run now (are picked), per type and key. */
  List<Count> running(JdbcRunner tx, Collection<String> types) {
    return tx.query(
        schema.sql(
            "select t.task_name, "
                + key
                + " as limit_key, count(*) from scheduled_tasks t"
                + jobJoin
                + " where t.picked and t.task_name = any(?) group by 1, 2"),
        ps -> ps.setArray(1, ps.getConnection().createArrayOf("text", types.toArray())),
        rows(rs -> new Count(rs.getString(1), rs.getString(2), rs.getInt(3))));
  }

  /** Forgets starts older than their interval; counts the others per rate limit and key. */
  List<Count> started(JdbcRunner tx, Instant now) {
    tx.execute(
        schema.sql("delete from kairos_limit_start where expires_at <= ?"),
        ps -> ps.setTimestamp(1, Timestamp.from(now)));
    return tx.query(
        schema.sql("select limit_id, limit_key, sum(starts) from kairos_limit_start group by 1, 2"),
        ps -> {},
        rows(rs -> new Count(rs.getString(1), rs.getString(2), rs.getInt(3))));
  }

  /**
   * Due, unclaimed executions of these types in claim order, leaving out type/key pairs at a limit
   * (so a key with a backlog does not hide the others), nothing while the cluster is paused.
   */
  List<FairShare.Candidate> candidates(
      JdbcRunner tx,
      Instant now,
      Collection<String> types,
      Collection<FairShare.Blocked> blockedKeys,
      boolean orderByPriority,
      int atMost) {
    List<FairShare.Blocked> pairs = blockedKeys.stream().filter(b -> !b.wholeType()).toList();
    return tx.query(
        schema.sql(
            "select c.task_name, c.task_instance, c.version, c.limit_key from (select t.task_name,"
                + " t.task_instance, t.version, t.priority, t.execution_time, "
                + key
                + " as limit_key from scheduled_tasks t"
                + jobJoin
                + " where not t.picked and t.execution_time <= ? and"
                + " coalesce(t.task_name = any(?), false) and not exists (select 1 from"
                + " kairos_control where paused)) c where not exists (select 1 from"
                + " unnest(?::text[], ?::text[]) as x(type, key) where x.type = c.task_name and"
                + " x.key = c.limit_key) order by "
                + (orderByPriority ? "c.priority desc, " : "")
                + "c.execution_time asc limit ?"),
        ps -> {
          Connection c = ps.getConnection();
          ps.setTimestamp(1, Timestamp.from(now));
          ps.setArray(2, c.createArrayOf("text", types.toArray()));
          ps.setArray(3, c.createArrayOf("text", pairs.stream().map(b -> b.type()).toArray()));
          ps.setArray(4, c.createArrayOf("text", pairs.stream().map(b -> b.key()).toArray()));
          ps.setInt(5, atMost);
        },
        rows(
            rs ->
                new FairShare.Candidate(
                    rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4))));
  }

  /** Claims the chosen executions, each at the version it was read at; returns those claimed. */
  List<Execution> claim(
      JdbcRunner tx,
      List<FairShare.Candidate> chosen,
      String pickedBy,
      Instant now,
      ResultSetMapper<List<Execution>> mapper) {
    if (chosen.isEmpty()) {
      return List.of();
    }
    List<FairShare.Candidate> sorted = new ArrayList<>(chosen);
    // The order in which group commits and claim renewals lock rows, so none can deadlock.
    sorted.sort(
        Comparator.comparing(FairShare.Candidate::type).thenComparing(FairShare.Candidate::id));
    return tx.query(
        schema.sql(
            "update scheduled_tasks st set picked = true, picked_by = ?, last_heartbeat = ?,"
                + " version = st.version + 1 from unnest(?::text[], ?::text[], ?::bigint[]) as"
                + " x(task_name, task_instance, version) where st.task_name = x.task_name and"
                + " st.task_instance = x.task_instance and st.version = x.version and not"
                + " st.picked returning st.*"),
        ps -> {
          Connection c = ps.getConnection();
          ps.setString(1, pickedBy);
          ps.setTimestamp(2, Timestamp.from(now));
          ps.setArray(3, c.createArrayOf("text", sorted.stream().map(x -> x.type()).toArray()));
          ps.setArray(4, c.createArrayOf("text", sorted.stream().map(x -> x.id()).toArray()));
          ps.setArray(
              5, c.createArrayOf("int8", sorted.stream().map(x -> (Object) x.version()).toArray()));
        },
        mapper);
  }

  private static <T> RowMapper<T> rows(RowMapper<T> mapper) {
    return mapper;
  }

  /** A pending execution's key, or null (none, or the execution is gone). */
  String keyOf(JdbcRunner tx, String type, String jobId) {
    List<String> keys =
        tx.query(
            schema.sql(
                "select "
                    + key
                    + " from scheduled_tasks t"
                    + jobJoin
                    + " where t.task_name = ? and t.task_instance = ?"),
            ps -> {
              ps.setString(1, type);
              ps.setString(2, jobId);
            },
            rows(rs -> rs.getString(1)));
    return keys.isEmpty() ? null : keys.get(0);
  }

  /** Starts of one rate limit's counter within its interval. */
  int startsOf(JdbcRunner tx, String limitId, String counter, Instant now) {
    return tx.query(
            schema.sql(
                "select coalesce(sum(starts), 0) from kairos_limit_start where limit_id = ? and"
                    + " limit_key = ? and expires_at > ?"),
            ps -> {
              ps.setString(1, limitId);
              ps.setString(2, counter);
              ps.setTimestamp(3, Timestamp.from(now));
            },
            rows(rs -> rs.getInt(1)))
        .get(0);
  }

  /**
   * Logs starts for rate limits: each under its limit and counter, until it expires; and forgets
   * those expired by {@code dbNow}. Under the limits lock, so no claim counts while they go.
   */
  void recordStarts(
      JdbcRunner tx,
      List<String> limitIds,
      List<String> counters,
      List<Instant> expiries,
      Instant dbNow) {
    if (limitIds.isEmpty()) {
      return;
    }
    tx.execute(
        schema.sql(
            "with expired as (delete from kairos_limit_start where expires_at <= ?) insert into"
                + " kairos_limit_start as s (limit_id, limit_key, expires_at, starts) select"
                + " x.limit_id, x.limit_key, x.expires_at, count(*) from unnest(?::text[],"
                + " ?::text[], ?::timestamptz[]) as x(limit_id, limit_key, expires_at) group by 1,"
                + " 2, 3 order by 1, 2, 3 on conflict (limit_id, limit_key, expires_at) do update"
                + " set starts = s.starts + excluded.starts"),
        ps -> {
          Connection c = ps.getConnection();
          ps.setTimestamp(1, Timestamp.from(dbNow));
          ps.setArray(2, c.createArrayOf("text", limitIds.toArray()));
          ps.setArray(3, c.createArrayOf("text", counters.toArray()));
          ps.setArray(
              4, c.createArrayOf("timestamptz", expiries.stream().map(Timestamp::from).toArray()));
        });
  }

  /** Takes one logged start back: one of this limit's counter that expires at {@code expiry}. */
  void returnStart(JdbcRunner tx, String limitId, String counter, Instant expiry) {
    tx.execute(
        schema.sql(
            "update kairos_limit_start set starts = starts - 1 where limit_id = ? and limit_key ="
                + " ? and expires_at = ? and starts > 0"),
        ps -> {
          ps.setString(1, limitId);
          ps.setString(2, counter);
          ps.setTimestamp(3, Timestamp.from(expiry));
        });
  }
}
