package io.kairos.bench.limits;

import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.github.kagkarlsson.scheduler.TaskResolver;
import com.github.kagkarlsson.scheduler.event.SchedulerListeners;
import com.github.kagkarlsson.scheduler.jdbc.JdbcTaskRepository;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.kairos.bench.measure.Stats;
import io.kairos.core.Kairos;
import io.kairos.execution.JobTasks;
import io.kairos.execution.ServedTypesLockAndFetch;
import io.kairos.limits.FlowLimit;
import io.kairos.limits.FlowLimits;
import io.kairos.limits.LimitedClaims;
import io.kairos.schema.KairosSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What one claim costs when a flow limit binds and a backlog waits on it: a backlog of due jobs of
 * one key whose limit (2 running) is full, and {@value #OTHER_KEYS} due jobs of other keys behind
 * it in claim order, which a claim must reach past the backlog. Each claim is a lock-and-fetch poll
 * as a worker with 10 threads makes it (db-scheduler's {@link JdbcTaskRepository#lockAndGetDue},
 * asking for {@value #CLAIM}); what it claims is handed back between claims, untimed, so every
 * claim meets the same table. Beside it: the same backlog claimed without limits, under a limit on
 * the whole type that is full (nothing to look at), and under limits with room for every claim
 * (never binding), whose claims take the backlog in due order.
 */
public final class BindingLimitClaims {

  static final String TYPE = "noop";
  static final int CLAIM = 10;
  static final int OTHER_KEYS = 10;
  private static final int WARM_UP = 5;

  /** One scenario's claims at one backlog: milliseconds per claim. */
  public record Cost(int backlog, String scenario, int claimedPerClaim, Stats millis) {}

  private final DataSource pool;
  private final JdbcTemplate jdbc;
  private final JobTasks jobTasks;

  public BindingLimitClaims(DataSource pool, Kairos kairos) {
    this.pool = pool;
    this.jdbc = new JdbcTemplate(pool);
    this.jobTasks = kairos.jobTasks(JobTasks.Settings.DEFAULTS);
  }

  /** Every scenario at a backlog of {@code backlog} due jobs on the full key. */
  public List<Cost> measure(int backlog, int claims) {
    List<Cost> costs = new ArrayList<>();
    write(backlog);
    costs.add(time(backlog, "no limit", null, "true", claims));
    costs.add(
        time(
            backlog,
            "a type limit with room (100,000 running)",
            new FlowLimits(List.of(new FlowLimit(TYPE, null, null, 100_000, null, null))),
            "true",
            claims));
    costs.add(
        time(
            backlog,
            "a limit on the jobs' own keys with room (100,000 running each)",
            new FlowLimits(List.of(new FlowLimit(TYPE, "*", null, 100_000, null, null))),
            "true",
            claims));
    FlowLimits ownKey = new FlowLimits(List.of(new FlowLimit(TYPE, "*", null, 2, null, null)));
    costs.add(
        time(
            backlog,
            "full key (the jobs' own keys), 10 others due behind it",
            ownKey,
            OTHERS,
            claims));
    FlowLimits wholeType = new FlowLimits(List.of(new FlowLimit(TYPE, null, null, 2, null, null)));
    costs.add(time(backlog, "full type limit", wholeType, OTHERS, claims));
    // The same keys read from the payload instead.
    jdbc.update(KairosSchema.DEFAULT.sql("update kairos_job set concurrency_key = null"));
    jdbc.execute(KairosSchema.DEFAULT.sql("vacuum analyze kairos_job"));
    costs.add(
        time(
            backlog,
            "a limit on keys read from the payload with room (100,000 running each)",
            new FlowLimits(List.of(new FlowLimit(TYPE, "*", "/customer", 100_000, null, null))),
            "true",
            claims));
    FlowLimits payloadKey =
        new FlowLimits(List.of(new FlowLimit(TYPE, "*", "/customer", 2, null, null)));
    costs.add(
        time(
            backlog,
            "full key (read from the payload), 10 others due behind it",
            payloadKey,
            OTHERS,
            claims));
    return costs;
  }

  private static final String OTHERS = "picked_by is not null and task_instance like 'other-%'";

  /**
   * A fresh backlog: {@code backlog} due jobs of key {@code hot}, 2 more of it running (its limit
   * full), then one due job of each other key, due after all of the backlog.
   */
  private void write(int backlog) {
    jdbc.update(KairosSchema.DEFAULT.sql("delete from scheduled_tasks"));
    jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_job"));
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "insert into kairos_job (id, type, payload, max_attempts, priority, request_hash,"
                + " state, concurrency_key) select 'hot-' || g, ?, jsonb_build_object('customer',"
                + " 'hot'), 1, 0, 'bench', 'ACTIVE', 'hot' from generate_series(1, ?) g union all"
                + " select 'run-' || g, ?, jsonb_build_object('customer', 'hot'), 1, 0, 'bench',"
                + " 'ACTIVE', 'hot' from generate_series(1, 2) g union all select 'other-' || g, ?,"
                + " jsonb_build_object('customer', 'other-' || g), 1, 0, 'bench', 'ACTIVE',"
                + " 'other-' || g from generate_series(1, ?) g"),
        TYPE,
        backlog,
        TYPE,
        TYPE,
        OTHER_KEYS);
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "insert into scheduled_tasks (task_name, task_instance, execution_time, picked,"
                + " picked_by, version, priority) select ?, id, case when id like 'other-%' then"
                + " now() - interval '1 minute' else now() - interval '1 day' + (substring(id from"
                + " '[0-9]+$')::int * interval '1 ms') end, id like 'run-%', case when id like"
                + " 'run-%' then 'elsewhere' end, 1, 0 from kairos_job"),
        TYPE);
    jdbc.execute(KairosSchema.DEFAULT.sql("vacuum analyze scheduled_tasks"));
    jdbc.execute(KairosSchema.DEFAULT.sql("vacuum analyze kairos_job"));
  }

  private Cost time(
      int backlog, String scenario, FlowLimits limits, String claimedByUs, int claims) {
    JdbcTaskRepository repository =
        new JdbcTaskRepository(
            pool,
            false,
            new ServedTypesLockAndFetch(
                List.of(TYPE),
                false,
                jobTasks.claims(),
                KairosSchema.DEFAULT,
                limits == null ? null : new LimitedClaims(limits, KairosSchema.DEFAULT, pool)),
            KairosSchema.DEFAULT.table("scheduled_tasks"),
            new TaskResolver(
                SchedulerListeners.NOOP,
                new SystemClock(),
                List.of(Tasks.oneTime(TYPE).execute((i, c) -> {}))),
            new SchedulerName.Fixed("bench"),
            true,
            new SystemClock());
    List<Double> millis = new ArrayList<>();
    int claimed = 0;
    for (int i = 0; i < WARM_UP + claims; i++) {
      long start = System.nanoTime();
      List<Execution> got = repository.lockAndGetDue(Instant.now(), CLAIM);
      double took = (System.nanoTime() - start) / 1e6;
      if (i >= WARM_UP) {
        millis.add(took);
        claimed = got.size();
      }
      // Handed back, untimed: the next claim meets the same table.
      jdbc.update(
          KairosSchema.DEFAULT.sql(
              "update scheduled_tasks set picked = false, picked_by = null, last_heartbeat = null"
                  + " where picked_by = 'bench' and ("
                  + claimedByUs
                  + ")"));
    }
    return new Cost(backlog, scenario, claimed, Stats.of(millis, claims));
  }

  /** The costs as a Markdown table. */
  public static String table(List<Cost> costs) {
    StringBuilder out = new StringBuilder();
    out.append(
        "| due jobs on the full key | claim | claimed per claim | ms per claim: p50 / p99 / max |\n");
    out.append("|---:|---|---:|---|\n");
    for (Cost cost : costs) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %,d | %s | %d | %.1f / %.1f / %.1f |%n",
              cost.backlog(),
              cost.scenario(),
              cost.claimedPerClaim(),
              cost.millis().p50(),
              cost.millis().p99(),
              cost.millis().max()));
    }
    return out.toString();
  }
}
