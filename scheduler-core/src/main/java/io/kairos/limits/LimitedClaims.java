package io.kairos.limits;

import com.github.kagkarlsson.scheduler.jdbc.JdbcTaskRepositoryContext;
import com.github.kagkarlsson.scheduler.task.Execution;
import io.kairos.schema.KairosSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Claims executions of limited types without exceeding any limit, cluster-wide: in one transaction
 * holding a cluster-wide advisory lock, it counts what runs (picked executions, per type and key)
 * and what started within each rate limit's interval (a log, by the database's clock), looks at the
 * due executions, leaving out type/key pairs at a limit, chooses among them fairly ({@link
 * FairShare}) and claims them, version-checked. The lock makes claims of limited types take turns,
 * so a slot is never counted free by two; claims of other types do not take it.
 *
 * <p>Nothing about a limit is kept by a worker: a worker killed while holding slots holds them only
 * as long as its executions stay picked, and they come back when those are revived. Rate windows
 * use the database's clock alone, so workers' clocks may disagree.
 */
public final class LimitedClaims {

  /** How many due executions one look takes, per execution wanted. */
  private static final int LOOK_AHEAD = 4;

  /** How many times a claim looks again, leaving out the pairs its last look found at a limit. */
  private static final int LOOKS = 3;

  private final FlowLimits limits;
  private final LimitClaimStore store;

  public LimitedClaims(FlowLimits limits, KairosSchema schema) {
    this.limits = limits;
    this.store = new LimitClaimStore(schema, limits);
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
    return ctx.jdbcRunner.inTransaction(
        tx -> {
          Instant dbNow = store.lock(tx);
          FairShare share = new FairShare(limits, running(tx, types), started(tx, dbNow));
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
          List<Execution> claimed =
              store.claim(tx, chosen, pickedBy, now, ctx.resultSetMapper.get());
          if (limits.hasRateLimits()) {
            recordStarts(tx, claimed, chosen, dbNow);
          }
          return claimed;
        });
  }

  private Map<FairShare.Counter, Integer> running(
      com.github.kagkarlsson.shaded.jdbc.JdbcRunner tx, Set<String> types) {
    Map<FairShare.Counter, Integer> running = new HashMap<>();
    for (LimitClaimStore.Count count : store.running(tx, types)) {
      FairShare share = new FairShare(limits, Map.of(), Map.of());
      for (FairShare.Counter counter : share.countersOf(count.type(), count.key())) {
        if (counter.limit().maxRunning() != null) {
          running.merge(counter, count.count(), Integer::sum);
        }
      }
    }
    return running;
  }

  private Map<FairShare.Counter, Integer> started(
      com.github.kagkarlsson.shaded.jdbc.JdbcRunner tx, Instant dbNow) {
    if (!limits.hasRateLimits()) {
      return Map.of();
    }
    Map<String, FlowLimit> byId = new HashMap<>();
    limits.all().stream()
        .filter(limit -> limit.maxStarts() != null)
        .forEach(limit -> byId.put(rateId(limit), limit));
    Map<FairShare.Counter, Integer> started = new HashMap<>();
    for (LimitClaimStore.Count count : store.started(tx, dbNow)) {
      FlowLimit limit = byId.get(count.type());
      if (limit != null) {
        started.merge(new FairShare.Counter(limit, count.key()), count.count(), Integer::sum);
      }
    }
    return started;
  }

  private void recordStarts(
      com.github.kagkarlsson.shaded.jdbc.JdbcRunner tx,
      List<Execution> claimed,
      List<FairShare.Candidate> chosen,
      Instant dbNow) {
    Map<String, FairShare.Candidate> byId = new HashMap<>();
    chosen.forEach(c -> byId.put(c.type() + '\u0000' + c.id(), c));
    Map<String, List<String>> keysByLimit = new LinkedHashMap<>();
    Map<String, Instant> ends = new HashMap<>();
    FairShare share = new FairShare(limits, Map.of(), Map.of());
    for (Execution execution : claimed) {
      FairShare.Candidate candidate =
          byId.get(
              execution.taskInstance.getTaskName() + '\u0000' + execution.taskInstance.getId());
      if (candidate == null) {
        continue;
      }
      for (FairShare.Counter counter : share.countersOf(candidate.type(), candidate.key())) {
        FlowLimit limit = counter.limit();
        if (limit.maxStarts() != null) {
          keysByLimit
              .computeIfAbsent(rateId(limit), id -> new ArrayList<>())
              .add(counter.counter());
          ends.put(rateId(limit), dbNow.plus(limit.per()));
        }
      }
    }
    store.recordStarts(tx, keysByLimit, ends);
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
