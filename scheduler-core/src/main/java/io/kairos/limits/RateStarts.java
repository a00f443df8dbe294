package io.kairos.limits;

import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.shaded.jdbc.JdbcRunner;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The starts of rate-limited types taken in bulk by the claims that take their executions: while a
 * rate limit is far from full, each claimed execution is logged as a start by the claim's own
 * statement ({@link InOrderClaimStore}), so its start costs no transaction and no lock of its own.
 * Nearer the limit (see {@code LimitedClaims}) starts are admitted one by one as they begin, in a
 * transaction under the limits lock counting the log, so a limit that binds is used in full.
 *
 * <p>A claimed execution may wait in its worker's queue for a thread, and a rate limit counts
 * starts, not claims. So the start logged by a claim at time {@code c} is kept for the limit's
 * interval plus a <em>start window</em> of half the interval ({@code c + per + window}), and the
 * execution may start on it only until {@code c + window}: a start at {@code s} within it is then
 * counted at least until {@code s + per}, as a start logged when it happens would be, and no window
 * of {@code per} ever holds more starts than the limit. The log keeps a count per limit, key and
 * expiry, each expiry rounded up to a tenth of the interval ({@link #countedUntil}): a start may
 * count a tenth of an interval longer than it must, never shorter. An execution that waited longer
 * gives its logged start back and is admitted one by one (or handed back, unstarted, when the limit
 * is full by then).
 *
 * <p>The log is in the database, so it holds across workers; what a worker keeps is only when each
 * of its claimed executions was claimed. Starts logged for executions that never start (the worker
 * was killed, or handed them back) stay counted until they expire: the limit is then used less,
 * never more.
 */
final class RateStarts {

  private final FlowLimits limits;
  private final LimitClaimStore store;

  /** When each claimed execution of a rate-limited type was claimed (the database's time). */
  private final Map<String, Instant> claimedAt = new ConcurrentHashMap<>();

  RateStarts(FlowLimits limits, LimitClaimStore store) {
    this.limits = limits;
    this.store = store;
  }

  static String executionOf(String type, String id) {
    return type + '\u0000' + id;
  }

  /** How long after its claim an execution may start on the start its claim logged. */
  static Duration windowOf(FlowLimit limit) {
    return limit.per().dividedBy(2).truncatedTo(ChronoUnit.MICROS);
  }

  /** When the start a claim at {@code claimed} logs for this limit stops counting. */
  static Instant expiryOf(FlowLimit limit, Instant claimed) {
    return countedUntil(limit, claimed.plus(limit.per()).plus(windowOf(limit)));
  }

  /**
   * When a start that must count until {@code exact} is counted until: {@code exact} rounded up to
   * a whole tenth of the limit's interval (in whole microseconds, as the database keeps time), so
   * that the starts of a limit and key fall into about fifteen counts.
   */
  static Instant countedUntil(FlowLimit limit, Instant exact) {
    long bucket = tenthOf(limit);
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, exact);
    if (Instant.EPOCH.plus(micros, ChronoUnit.MICROS).isBefore(exact)) {
      micros++;
    }
    long rounded = Math.floorDiv(micros + bucket - 1, bucket) * bucket;
    return Instant.EPOCH.plus(rounded, ChronoUnit.MICROS);
  }

  private List<FlowLimit> ratesOf(String type) {
    return limits.of(type).stream().filter(limit -> limit.maxStarts() != null).toList();
  }

  /**
   * A tenth of the limit's interval in whole microseconds (at least one): what expiries round to.
   */
  static long tenthOf(FlowLimit limit) {
    return Math.max(1, limit.per().dividedBy(10).toNanos() / 1_000);
  }

  /**
   * Remembers when the claimed executions of rate-limited types were claimed ({@code dbNow}, the
   * time the starts their claim logged expire from), so each may start on its logged start within
   * its window.
   */
  void remember(List<Execution> claimed, Instant dbNow) {
    if (!limits.hasRateLimits()) {
      return;
    }
    // Claims older than any logged start are of executions that never started here (handed back).
    Duration longest = longestInterval();
    claimedAt.values().removeIf(at -> at.plus(longest).plus(longest).isBefore(dbNow));
    claimed.stream()
        .filter(e -> !ratesOf(e.taskInstance.getTaskName()).isEmpty())
        .forEach(
            e ->
                claimedAt.put(
                    executionOf(e.taskInstance.getTaskName(), e.taskInstance.getId()), dbNow));
  }

  private Duration longestInterval() {
    return limits.all().stream()
        .filter(limit -> limit.per() != null)
        .map(FlowLimit::per)
        .max(Duration::compareTo)
        .orElse(Duration.ZERO);
  }

  /**
   * Admits a start at {@code databaseNow}: at once if its claim logged a start it is still within
   * the window of; otherwise in a transaction under the limits lock, giving back the start its
   * claim logged and counting the log.
   *
   * @return the start's time, or empty when a rate limit is full (the attempt must not start)
   */
  Optional<Instant> admit(String type, String jobId, Instant databaseNow, JdbcRunner jdbc) {
    List<FlowLimit> rates = ratesOf(type);
    if (rates.isEmpty()) {
      return Optional.of(databaseNow);
    }
    Instant claimed = claimedAt.remove(executionOf(type, jobId));
    if (claimed != null && withinWindow(rates, claimed, databaseNow)) {
      return Optional.of(databaseNow);
    }
    return jdbc.inTransaction(
        tx -> {
          Instant dbNow = store.lock(tx);
          String key = store.keyOf(tx, type, jobId);
          List<FlowLimit> applying = rates.stream().filter(l -> l.appliesTo(key)).toList();
          if (claimed != null) {
            // Never started on: the start its claim logged is given back before counting again.
            for (FlowLimit limit : applying) {
              store.returnStart(
                  tx, LimitedClaims.rateId(limit), limit.counterOf(key), expiryOf(limit, claimed));
            }
          }
          List<String> ids = new ArrayList<>();
          List<String> counters = new ArrayList<>();
          List<Instant> expiries = new ArrayList<>();
          for (FlowLimit limit : applying) {
            String counter = limit.counterOf(key);
            if (store.startsOf(tx, LimitedClaims.rateId(limit), counter, dbNow)
                >= limit.maxStarts()) {
              return Optional.empty();
            }
            ids.add(LimitedClaims.rateId(limit));
            counters.add(counter);
            expiries.add(countedUntil(limit, dbNow.plus(limit.per())));
          }
          store.recordStarts(tx, ids, counters, expiries, dbNow);
          return Optional.of(dbNow);
        });
  }

  private static boolean withinWindow(List<FlowLimit> rates, Instant claimed, Instant now) {
    for (FlowLimit limit : rates) {
      if (now.isAfter(claimed.plus(windowOf(limit)))) {
        return false;
      }
    }
    return true;
  }
}
