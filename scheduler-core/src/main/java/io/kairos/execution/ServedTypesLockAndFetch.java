package io.kairos.execution;

import com.github.kagkarlsson.scheduler.jdbc.JdbcTaskRepositoryContext;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.Queries;
import com.github.kagkarlsson.scheduler.task.Execution;
import io.kairos.limits.LimitedClaims;
import io.kairos.schema.KairosSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * db-scheduler's PostgreSQL lock-and-fetch, claiming only executions of the job types this worker
 * serves. Workers serving different types share one task table, and each must leave the others'
 * executions alone.
 *
 * <p>db-scheduler (16.7) alone would not: its single-statement lock-and-fetch marks an execution of
 * a task name it does not know as picked before it can tell it is unknown, then drops it. The
 * execution stays picked by a worker that will never run it, until the dead-execution check of a
 * worker that serves the type revives it, seconds later and flagged as recovered. Only afterwards
 * is the name excluded from this worker's polls.
 *
 * <p>It also claims nothing while the cluster is paused ({@code kairos_control}, owned by {@code
 * ClusterSwitch}), read in the same statement: so a claim made after a pause committed never
 * starts, however late the worker's watcher sees the pause. And it tells {@link HeldClaims} of
 * every claim, which keeps it alive while it waits in the worker's queue for a thread.
 *
 * <p>The type filter is written {@code coalesce(task_name = any(?), false)} rather than {@code
 * task_name = any(?)}: PostgreSQL can use the primary key for the plain form, and whenever its
 * statistics lag behind the table (a fresh database, a burst of new due jobs before autovacuum's
 * analyze) it then chose a bitmap scan of every due execution of the served types and a sort of
 * them all, once per claim: a worker drained a backlog of 200,000 at a fifth of its rate. As a
 * filter, like db-scheduler's own exclusion of unknown task names, it leaves the claim walking the
 * {@code (priority, execution_time)} index and stopping at its limit.
 *
 * <p>Types with flow limits are claimed by {@link LimitedClaims} instead, under its cluster-wide
 * lock; the others keep the single statement, so limits cost nothing to the types without them.
 */
public final class ServedTypesLockAndFetch extends PostgreSqlJdbcCustomization {

  private final String[] servedTypes;
  private final HeldClaims claims;
  private final String clusterPaused;
  private final LimitedClaims limited;
  private final Set<String> limitedTypes;
  private final AtomicBoolean limitedFirst = new AtomicBoolean();

  /**
   * @param schema where Kairos's tables are; db-scheduler names its own table ({@code
   *     ctx.tableName}, {@code db-scheduler.table-name}) in the same schema
   */
  public ServedTypesLockAndFetch(
      Collection<String> servedTypes,
      boolean persistTimestampInUtc,
      HeldClaims claims,
      KairosSchema schema) {
    this(servedTypes, persistTimestampInUtc, claims, schema, null);
  }

  /**
   * @param limited claims the executions of the served types that flow limits apply to; null: none
   *     do
   */
  public ServedTypesLockAndFetch(
      Collection<String> servedTypes,
      boolean persistTimestampInUtc,
      HeldClaims claims,
      KairosSchema schema,
      LimitedClaims limited) {
    super(false, persistTimestampInUtc);
    this.claims = claims;
    this.clusterPaused = schema.sql(" AND NOT EXISTS (SELECT 1 FROM kairos_control WHERE paused) ");
    if (servedTypes.isEmpty()) {
      throw new IllegalArgumentException("a worker must serve at least one job type");
    }
    this.limited = limited;
    this.limitedTypes =
        limited == null ? Set.of() : limited.limitedAmong(new TreeSet<>(servedTypes));
    this.servedTypes =
        servedTypes.stream()
            .filter(type -> !limitedTypes.contains(type))
            .sorted()
            .toArray(String[]::new);
  }

  @Override
  public List<Execution> lockAndFetchSingleStatement(
      JdbcTaskRepositoryContext ctx, Instant now, int limit, boolean orderByPriority) {
    if (limitedTypes.isEmpty()) {
      return unlimited(ctx, now, limit, orderByPriority);
    }
    // Limited and unlimited types take turns going first, so neither's backlog starves the other.
    boolean limitedNow = limitedFirst.getAndSet(!limitedFirst.get());
    List<Execution> claimed = new ArrayList<>();
    for (int turn = 0; turn < 2 && claimed.size() < limit; turn++) {
      int wanted = limit - claimed.size();
      if (limitedNow == (turn == 0)) {
        String pickedBy = ctx.schedulerName.getName();
        List<Execution> got =
            limited.claim(
                ctx,
                now,
                wanted,
                orderByPriority,
                limitedTypes,
                pickedBy.length() > 50 ? pickedBy.substring(0, 50) : pickedBy);
        claims.claimed(got);
        claimed.addAll(got);
      } else if (servedTypes.length > 0) {
        claimed.addAll(unlimited(ctx, now, wanted, orderByPriority));
      }
    }
    return claimed;
  }

  private List<Execution> unlimited(
      JdbcTaskRepositoryContext ctx, Instant now, int limit, boolean orderByPriority) {
    String order = Queries.ansiSqlOrderPart(orderByPriority);
    // The candidates are a MATERIALIZED CTE, not db-scheduler's "IN (subquery)": with statistics
    // taken while the table was empty (a quiet cluster, then a burst of due jobs), a cached generic
    // plan made the IN a nested-loop semi join that sorted and locked the whole backlog again for
    // every row of the table (36 s per claim at 20,000 due executions); a materialized CTE is
    // evaluated once, whatever the plan (0.15 s on the same stale plan).
    String query =
        "WITH candidates AS MATERIALIZED (SELECT st2.task_name, st2.task_instance FROM "
            + ctx.tableName
            + " st2 WHERE picked = ? AND execution_time <= ? AND COALESCE(task_name = ANY(?), false)"
            + clusterPaused
            + order
            + " FOR UPDATE SKIP LOCKED "
            + getQueryLimitPart(limit)
            + "), locked_executions AS (UPDATE "
            + ctx.tableName
            + " st1 SET picked = ?, picked_by = ?, last_heartbeat = ?, version = version + 1"
            + " FROM candidates c"
            + " WHERE st1.task_name = c.task_name AND st1.task_instance = c.task_instance"
            + " RETURNING st1.*) SELECT * FROM locked_executions "
            + order;
    String pickedBy = ctx.schedulerName.getName();
    List<Execution> claimed =
        ctx.jdbcRunner.query(
            query,
            ps -> {
              int index = 1;
              ps.setBoolean(index++, false);
              setInstant(ps, index++, now);
              ps.setArray(index++, ps.getConnection().createArrayOf("text", servedTypes));
              ps.setBoolean(index++, true);
              ps.setString(index++, pickedBy.length() > 50 ? pickedBy.substring(0, 50) : pickedBy);
              setInstant(ps, index, now);
            },
            ctx.resultSetMapper.get());
    claims.claimed(claimed);
    return claimed;
  }
}
