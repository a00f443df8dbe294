package io.kairos.limits;

import com.github.kagkarlsson.scheduler.jdbc.JdbcTaskRepositoryContext;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.shaded.jdbc.JdbcRunner;
import io.kairos.schema.KairosSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Claims executions of limited types without exceeding any limit, cluster-wide. Holding a
 * cluster-wide advisory lock, it counts what runs (picked executions, per type and key) and what
 * started within each rate limit's interval (counts by the database's clock). A claim that no limit
 * can bind is one statement that does so itself ({@link InOrderClaimStore}); otherwise, in one
 * transaction under the lock, it looks at the due executions, leaving out type/key pairs at a
 * limit, chooses among them fairly ({@link FairShare}) and claims them, version-checked. The lock
 * makes claims of limited types take turns, so a slot is never counted free by two; claims of other
 * types do not take it.
 *
 * <p>Nothing about a limit is kept by a worker: a worker killed while holding slots holds them only
 * as long as its executions stay picked, and they come back when those are revived. Rate windows
 * use the database's clock alone, so workers' clocks may disagree.
 */
public final class LimitedClaims implements StartAdmission {

  /** How many due executions one look takes, per execution wanted. */
  private static final int LOOK_AHEAD = 4;

  /** How many times a claim looks again, leaving out the pairs its last look found at a limit. */
  private static final int LOOKS = 3;

  private final FlowLimits limits;
  private final LimitClaimStore store;
  private final InOrderClaimStore inOrderClaims;
  private final RateStarts starts;
  private final Map<String, FlowLimit> rateLimitsById = new HashMap<>();

  private final JdbcRunner jdbc;

  /** The database's time at this worker's latest claim, and this JVM's nano time just after it. */
  private record ClockReading(Instant databaseTime, long nanos) {}

  private final AtomicReference<ClockReading> latestClaim = new AtomicReference<>();

  /**
   * @param dataSource where starts are admitted (claims use db-scheduler's connection instead)
   */
  public LimitedClaims(FlowLimits limits, KairosSchema schema, DataSource dataSource) {
    this.limits = limits;
    this.store = new LimitClaimStore(schema, limits);
    this.inOrderClaims = new InOrderClaimStore(schema, limits, store);
    this.starts = new RateStarts(limits, store);
    limits.all().stream()
        .filter(limit -> limit.maxStarts() != null)
        .forEach(limit -> rateLimitsById.put(rateId(limit), limit));
    this.jdbc = new JdbcRunner(dataSource);
  }

  public FlowLimits limits() {
    return limits;
  }

  /**
   * Claims at most {@code wanted} due executions of {@code types} (each limited) for this worker.
   */
  public List<Execution> claim(
      JdbcTaskRepositoryContext ctx,
      Instant now,
      int wanted,
      boolean orderByPriority,
      Set<String> types,
      String pickedBy) {
    // The common case in one round trip: the lock, then a claim that no limit can bind, which
    // logs the starts of what it takes under rate limits.
    InOrderClaimStore.Claimed claimed =
        inOrderClaims.claimInOneStatement(
            ctx.jdbcRunner,
            store.lockName(),
            now,
            types,
            wanted,
            orderByPriority,
            pickedBy,
            ctx.resultSetMapper.get());
    if (!claimed.executions().isEmpty()) {
      read(claimed.databaseTime());
      starts.remember(claimed.executions(), claimed.databaseTime());
      return claimed.executions();
    }
    // Nothing was due, or a limit could bind: counted and chosen under the lock, each start then
    // admitted as it begins.
    return ctx.jdbcRunner.inTransaction(
        tx -> {
          Instant dbNow = store.lock(tx);
          read(dbNow);
          Map<FairShare.Counter, Integer> running = running(tx, types);
          Map<FairShare.Counter, Integer> started = started(tx, dbNow);
          FairShare share = new FairShare(limits, running, started);
          Set<FairShare.Blocked> blocked = share.blockedNow();
          List<FairShare.Candidate> chosen = new ArrayList<>();
          for (int look = 0; look < LOOKS && chosen.size() < wanted; look++) {
            Set<String> open = new TreeSet<>(types);
            blocked.stream()
                .filter(FairShare.Blocked::wholeType)
                .forEach(b -> open.remove(b.type()));
            if (open.isEmpty()) {
              break;
            }
            int window = (wanted - chosen.size()) * LOOK_AHEAD;
            List<FairShare.Candidate> candidates =
                store.candidates(tx, now, open, blocked, orderByPriority, window);
            int blockedBefore = blocked.size();
            chosen.addAll(share.choose(candidates, wanted - chosen.size(), blocked));
            if (candidates.size() < window || blocked.size() == blockedBefore) {
              break; // nothing more is due, or nothing new to leave out
            }
          }
          return store.claim(tx, chosen, pickedBy, now, ctx.resultSetMapper.get());
        });
  }

  /** Keeps the database's time of this worker's latest claim, which {@link #admit} reads. */
  private void read(Instant dbNow) {
    ClockReading reading = new ClockReading(dbNow, System.nanoTime());
    latestClaim.accumulateAndGet(
        reading,
        (held, fresh) ->
            held == null || fresh.databaseTime().isAfter(held.databaseTime()) ? fresh : held);
  }

  /**
   * Admits a start: of a type without a rate limit at once, of a rate-limited type with the start
   * its claim took for it ({@link RateStarts}); the database's time, as this worker's latest claim
   * tells it, is the start's time.
   */
  @Override
  public Optional<Instant> admit(String type, String jobId, Instant now) {
    if (limits.of(type).isEmpty()) {
      return Optional.of(now);
    }
    // The start as the database's clock has it, the clock that ends the attempts it follows:
    // history then shows a limit's runs in one clock, not in each worker's estimate of it. It is
    // read off this worker's latest claim rather than asked for (a statement per start cost a
    // third of a drain's rate): that claim's database time, read before its answer came back,
    // plus the time elapsed here since. So the start is no later than the database's time now,
    // and no earlier than the claim that took this execution, which came after the end of the
    // attempt whose slot it took, and after the start its claim took.
    ClockReading reading = latestClaim.get();
    Instant databaseNow =
        reading == null
            ? store.now(jdbc)
            : reading.databaseTime().plusNanos(System.nanoTime() - reading.nanos());
    return starts.admit(type, jobId, databaseNow, jdbc);
  }

  private Map<FairShare.Counter, Integer> running(JdbcRunner tx, Set<String> types) {
    Map<FairShare.Counter, Integer> running = new HashMap<>();
    FairShare share = new FairShare(limits, Map.of(), Map.of());
    for (LimitClaimStore.Count count : store.running(tx, types)) {
      for (FairShare.Counter counter : share.countersOf(count.type(), count.key())) {
        if (counter.limit().maxRunning() != null) {
          running.merge(counter, count.count(), Integer::sum);
        }
      }
    }
    return running;
  }

  private Map<FairShare.Counter, Integer> started(JdbcRunner tx, Instant dbNow) {
    if (!limits.hasRateLimits()) {
      return Map.of();
    }
    Map<FairShare.Counter, Integer> started = new HashMap<>();
    for (LimitClaimStore.Count count : store.started(tx, dbNow)) {
      FlowLimit limit = rateLimitsById.get(count.type());
      if (limit != null) {
        started.merge(new FairShare.Counter(limit, count.key()), count.count(), Integer::sum);
      }
    }
    return started;
  }

  /** A rate limit's name in the log of starts. */
  static String rateId(FlowLimit limit) {
    return limit.name() + " " + limit.maxStarts() + "/" + limit.per();
  }

  /** The limited types among {@code served}. */
  public Set<String> limitedAmong(Set<String> served) {
    Set<String> limited = new LinkedHashSet<>(limits.limitedTypes());
    limited.retainAll(served);
    return limited;
  }
}
