package io.kairos.limits;

import io.kairos.schema.KairosSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionOperations;

/**
 * The limits as declared for readers outside the workers (the API, the dashboard, metrics), and
 * what they read about them: which limit a due job waits on, and how full each limit is.
 */
public final class LimitStore {

  private final JdbcTemplate jdbc;
  private final TransactionOperations transactions;
  private final KairosSchema schema;

  /** How long the declared limits are read again at most, for showing what waits on them. */
  private static final Duration FRESH = Duration.ofSeconds(2);

  private record Cached(FlowLimits limits, long readAt) {}

  private volatile Cached cached;

  public LimitStore(
      DataSource dataSource, TransactionOperations transactions, KairosSchema schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.transactions = transactions;
    this.schema = schema;
  }

  /**
   * Replaces the declared limits with these (a worker starting with its configuration), unless they
   * are the same; workers starting together take turns.
   */
  public void declare(FlowLimits limits, String declaredBy) {
    transactions.executeWithoutResult(
        status -> {
          jdbc.query(
              "select pg_advisory_xact_lock(hashtext(?))",
              rs -> {},
              schema.name() + ".flow-limits-declared");
          if (declared().all().equals(limits.all())) {
            return;
          }
          jdbc.update(schema.sql("delete from kairos_limit"));
          List<FlowLimit> all = limits.all();
          for (int i = 0; i < all.size(); i++) {
            FlowLimit limit = all.get(i);
            jdbc.update(
                schema.sql(
                    "insert into kairos_limit (position, name, type, key_pattern, key_from,"
                        + " max_running, max_starts, per_millis, declared_by) values (?, ?, ?, ?, ?,"
                        + " ?, ?, ?, ?)"),
                i,
                limit.name(),
                limit.type(),
                limit.key(),
                limit.keyFrom(),
                limit.maxRunning(),
                limit.maxStarts(),
                limit.per() == null ? null : limit.per().toMillis(),
                declaredBy);
          }
        });
  }

  /** The declared limits as read at most {@link #FRESH} ago (a page of jobs reads them once). */
  private FlowLimits cachedDeclared() {
    Cached cached = this.cached;
    long now = System.nanoTime();
    if (cached == null || now - cached.readAt() > FRESH.toNanos()) {
      cached = new Cached(declared(), now);
      this.cached = cached;
    }
    return cached.limits();
  }

  /** The limits the workers last declared. */
  public FlowLimits declared() {
    return new FlowLimits(
        jdbc.query(
            schema.sql(
                "select type, key_pattern, key_from, max_running, max_starts, per_millis from"
                    + " kairos_limit order by position"),
            (rs, row) -> {
              long per = rs.getLong("per_millis");
              boolean hasPer = !rs.wasNull();
              return new FlowLimit(
                  rs.getString("type"),
                  rs.getString("key_pattern"),
                  rs.getString("key_from"),
                  (Integer) rs.getObject("max_running"),
                  (Integer) rs.getObject("max_starts"),
                  hasPer ? Duration.ofMillis(per) : null);
            }));
  }

  /** How full one limit's counter is now. */
  public record Usage(FlowLimit limit, String key, int used, int waiting) {

    /** Used of the limit's maximum, 0 to 1. */
    public double utilisation() {
      int max = limit.maxRunning() != null ? limit.maxRunning() : limit.maxStarts();
      return Math.min(1.0, used / (double) max);
    }

    /** How a job held back by it says so, e.g. {@code limit customer-42: 2 of 2 running}. */
    public String waitingFor() {
      String name = key == null || key.isEmpty() ? limit.type() : key;
      return limit.maxRunning() != null
          ? "limit " + name + ": " + used + " of " + limit.maxRunning() + " running"
          : "limit "
              + name
              + ": "
              + used
              + " of "
              + limit.maxStarts()
              + " starts per "
              + limit.per().toString().substring(2).toLowerCase();
    }

    boolean full() {
      return limit.maxRunning() != null ? used >= limit.maxRunning() : used >= limit.maxStarts();
    }
  }

  /**
   * Why a job waits although it is due, if a limit holds it back: the first of its limits that is
   * full. Empty for a job that is not due, runs, or is under no full limit.
   */
  public Optional<String> waitingFor(String type, String jobId) {
    FlowLimits limits = cachedDeclared();
    if (limits.of(type).isEmpty()) {
      return Optional.empty();
    }
    String key = new LimitClaimStore(schema, limits).keyExpression();
    List<String[]> due =
        jdbc.query(
            schema.sql(
                "select t.task_name, "
                    + key
                    + " from scheduled_tasks t left join kairos_job j on j.id = t.task_instance"
                    + " where t.task_instance = ? and not t.picked and t.execution_time <= now()"),
            (rs, row) -> new String[] {rs.getString(1), rs.getString(2)},
            jobId);
    if (due.isEmpty()) {
      return Optional.empty();
    }
    String jobKey = due.get(0)[1];
    for (FlowLimit limit : limits.of(type)) {
      if (limit.appliesTo(jobKey)) {
        for (Usage usage : usage(limits, key, limit, limit.counterOf(jobKey))) {
          if (usage.full()) {
            return Optional.of(usage.waitingFor());
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Every declared limit's counters now (each key of a limit per key that has jobs running, started
   * or waiting): how many it uses, and how many due jobs wait.
   */
  public List<Usage> usage() {
    FlowLimits limits = declared();
    List<Usage> all = new ArrayList<>();
    if (limits.isEmpty()) {
      return all;
    }
    String key = new LimitClaimStore(schema, limits).keyExpression();
    for (FlowLimit limit : limits.all()) {
      all.addAll(usage(limits, key, limit, null));
    }
    return all;
  }

  /** One limit's counters (one, or all when {@code counter} is null). */
  private List<Usage> usage(FlowLimits limits, String key, FlowLimit limit, String counter) {
    String counterOf = limit.key() == null ? "''" : key;
    String used =
        limit.maxRunning() != null
            ? "count(*) filter (where t.picked)"
            : "(select coalesce(sum(s.starts), 0) from kairos_limit_start s where s.limit_id = ?"
                + " and s.limit_key = c.k and s.expires_at > now())";
    List<Object> args = new ArrayList<>();
    args.add(limit.type());
    if (counter != null) {
      args.add(counter);
    }
    String inner =
        "select "
            + counterOf
            + " as k, t.picked, t.execution_time from scheduled_tasks t left join kairos_job j on"
            + " j.id = t.task_instance where t.task_name = ?";
    String sql =
        limit.maxRunning() != null
            ? "select c.k, count(*) filter (where c.picked), count(*) filter (where not c.picked"
                + " and c.execution_time <= now()) from ("
                + inner
                + ") c where c.k is not null"
                + (counter != null ? " and c.k = ?" : "")
                + " group by c.k"
            : "select c.k, "
                + used
                + ", count(*) filter (where not c.picked and c.execution_time <= now()) from ("
                + inner
                + ") c where c.k is not null"
                + (counter != null ? " and c.k = ?" : "")
                + " group by c.k";
    if (limit.maxRunning() == null) {
      args.add(0, LimitedClaims.rateId(limit));
    }
    List<Usage> usages =
        jdbc.query(
            schema.sql(sql),
            (rs, row) -> {
              String k = rs.getString(1);
              if (!limit.appliesTo(k.isEmpty() ? null : k) && limit.key() != null) {
                return null;
              }
              return new Usage(limit, k, rs.getInt(2), rs.getInt(3));
            },
            args.toArray());
    return usages.stream().filter(java.util.Objects::nonNull).toList();
  }
}
