package io.kairos.watchdog;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.job.JobEvent;
import io.kairos.job.ScheduleSpec;
import io.kairos.notification.Notifier;
import io.kairos.registry.JobTables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Finds jobs that should have run and did not (a freshness watchdog, for a cluster): a recurring
 * job whose last success (or creation, if it never succeeded) is older than its typical interval ×
 * {@code tolerance} + {@code grace}, and a one-time job due for longer than {@code unclaimedAfter}
 * without any worker claiming it. Stale jobs are marked in the registry; jobs that are fresh again,
 * or no longer active (done, dead, paused, cancelled), lose it.
 *
 * <p>A job that becomes stale is marked and its STALE notification arranged in one transaction, so
 * each time a job goes stale it is notified once (the mark is not set again while it stays stale).
 */
public final class StaleJobWatchdog {

  private final StaleMarkStore store;
  private final Clock clock;
  private final Settings settings;
  private final TransactionOperations transactions;
  private final Notifier notifier;

  /**
   * @param tolerance how many intervals a recurring job may go without success
   * @param grace added to the allowance, so a job running every second is not stale after 2 s
   * @param unclaimedAfter how long a due one-time job may wait for a worker
   * @param markedPerCheck at most this many jobs are marked per check (each marking arranges its
   *     notification): a backlog gone stale at once is marked over a few checks rather than in one
   *     that outlasts its lock
   */
  public record Settings(
      double tolerance, Duration grace, Duration unclaimedAfter, int markedPerCheck) {
    public Settings {
      if (tolerance < 1.0) {
        throw new IllegalArgumentException("stale tolerance must be at least 1");
      }
      if (grace.isNegative() || unclaimedAfter.isNegative()) {
        throw new IllegalArgumentException("stale grace and unclaimed-after must not be negative");
      }
      if (markedPerCheck < 1) {
        throw new IllegalArgumentException("marked-per-check must be at least 1");
      }
    }

    /** With {@link #MARKED_PER_CHECK} marked per check. */
    public Settings(double tolerance, Duration grace, Duration unclaimedAfter) {
      this(tolerance, grace, unclaimedAfter, MARKED_PER_CHECK);
    }
  }

  /**
   * The outcome of one check. Counts are complete; the ids are the first {@value #REPORTED_IDS}
   * only, so a check over a large backlog that went stale at once stays small in memory.
   *
   * @param stale how many jobs are marked stale after the check
   * @param newlyStale ids of jobs this check marked stale (at most {@value #REPORTED_IDS})
   * @param newlyStaleCount how many jobs this check marked stale
   * @param freshAgain ids of jobs whose mark this check cleared (at most {@value #REPORTED_IDS})
   * @param freshAgainCount how many marks this check cleared
   * @param unserved of the jobs in {@code newlyStale}, those no live worker can run, by id, with
   *     their type
   * @param more true if this check marked as many as it may ({@link Settings#markedPerCheck()}):
   *     there may be more, and the next check goes on
   */
  public record Report(
      int stale,
      List<String> newlyStale,
      int newlyStaleCount,
      List<String> freshAgain,
      int freshAgainCount,
      Map<String, String> unserved,
      boolean more) {}

  /** Ids a report names; the rest are counted. */
  public static final int REPORTED_IDS = 100;

  /** Jobs marked per check unless the settings say otherwise. */
  public static final int MARKED_PER_CHECK = 10_000;

  /** Jobs read or changed per statement. */
  private static final int PAGE = 500;

  private final Supplier<Set<String>> servedTypes;

  public StaleJobWatchdog(
      JobTables tables,
      Clock clock,
      Settings settings,
      TransactionOperations transactions,
      Notifier notifier) {
    this(tables, clock, settings, transactions, notifier, () -> null);
  }

  /**
   * @param servedTypes the types some live worker serves (null: not known), so a job that is stale
   *     because nobody serves its type is reported as such
   */
  public StaleJobWatchdog(
      JobTables tables,
      Clock clock,
      Settings settings,
      TransactionOperations transactions,
      Notifier notifier,
      Supplier<Set<String>> servedTypes) {
    this.servedTypes = servedTypes;
    this.store = new StaleMarkStore(tables);
    this.clock = clock;
    this.settings = settings;
    this.transactions = transactions;
    this.notifier = notifier;
  }

  /**
   * One check. One-time jobs are judged by the database (a statement marks those whose execution
   * nobody claimed within {@code unclaimedAfter} of its due time, another clears those claimed or
   * moved since, and the marks of jobs that are not active any more), so a backlog of a million due
   * jobs is never read into memory; recurring jobs are read page by page and judged against their
   * schedules here. Each page of newly stale jobs is marked, and their STALE notifications
   * arranged, in one transaction.
   */
  public Report check() {
    Instant now = clock.now();
    Instant unclaimedSince = now.minus(settings.unclaimedAfter());
    Set<String> served = servedTypes.get();
    Marks marks = new Marks(served);

    boolean more = true;
    while (marks.newlyStaleCount < settings.markedPerCheck()) {
      int limit = Math.min(PAGE, settings.markedPerCheck() - marks.newlyStaleCount);
      List<StaleMarkStore.StaleMark> page =
          transactions.execute(
              tx -> {
                List<StaleMarkStore.StaleMark> marked =
                    store.markUnclaimedOneTimeJobsStale(unclaimedSince, limit);
                marked.forEach(job -> notifyStale(job.id(), marks.unservedType(job.type())));
                return marked;
              });
      page.forEach(job -> marks.newlyStale(job.id(), job.type()));
      if (page.size() < limit) {
        more = false;
        break;
      }
    }
    List<StaleMarkStore.StaleMark> fresh;
    do {
      fresh = store.clearFreshJobs(unclaimedSince, PAGE);
      fresh.forEach(job -> marks.freshAgain(job.id()));
    } while (fresh.size() == PAGE);

    String after = "";
    List<StaleMarkStore.Liveness> page;
    do {
      page = store.activeRecurringJobs(after, PAGE);
      List<StaleMarkStore.Liveness> newlyStale = new ArrayList<>();
      List<String> freshAgain = new ArrayList<>();
      for (StaleMarkStore.Liveness job : page) {
        boolean isStale = isStale(job, now);
        if (isStale && !job.markedStale()) {
          newlyStale.add(job);
        } else if (!isStale && job.markedStale()) {
          freshAgain.add(job.id());
        }
      }
      for (StaleMarkStore.Liveness job : newlyStale) {
        transactions.executeWithoutResult(
            tx -> {
              if (store.markStale(job.id())) {
                notifyStale(job.id(), marks.unservedType(job.type()));
                marks.newlyStale(job.id(), job.type());
              }
            });
      }
      store.clearStale(freshAgain);
      freshAgain.forEach(marks::freshAgain);
      if (!page.isEmpty()) {
        after = page.get(page.size() - 1).id();
      }
    } while (page.size() == PAGE);

    return marks.report(store.staleCount(), more);
  }

  private boolean isStale(StaleMarkStore.Liveness job, Instant now) {
    ScheduleSpec schedule = job.schedule();
    if (schedule != null && schedule.recurring()) {
      Instant reference = job.lastSuccess() != null ? job.lastSuccess() : job.createdAt();
      Duration interval = schedule.typicalInterval(now);
      Duration allowed =
          Duration.ofMillis((long) (interval.toMillis() * settings.tolerance()))
              .plus(settings.grace());
      return Duration.between(reference, now).compareTo(allowed) > 0;
    }
    // No readable schedule: judged as a one-time job, by its execution.
    return !job.picked()
        && Duration.between(job.executionTime(), now).compareTo(settings.unclaimedAfter()) > 0;
  }

  private void notifyStale(String id, String unservedType) {
    notifier.notify(
        JobEvent.STALE,
        id,
        null,
        unservedType == null
            ? "it has not run as its schedule says it should"
            : "it has not run as its schedule says it should: no live worker serves type "
                + unservedType);
  }

  /** What one check marked and cleared: counts, and the first ids of each. */
  private static final class Marks {
    private final Set<String> served;
    private final List<String> newlyStale = new ArrayList<>();
    private final Map<String, String> unserved = new LinkedHashMap<>();
    private final List<String> freshAgain = new ArrayList<>();
    private int newlyStaleCount;
    private int freshAgainCount;

    Marks(Set<String> served) {
      this.served = served;
    }

    /** The type, if no live worker serves it; null if one does or it is not known. */
    String unservedType(String type) {
      return served != null && !served.contains(type) ? type : null;
    }

    void newlyStale(String id, String type) {
      newlyStaleCount++;
      if (newlyStale.size() < REPORTED_IDS) {
        newlyStale.add(id);
        if (unservedType(type) != null) {
          unserved.put(id, type);
        }
      }
    }

    void freshAgain(String id) {
      freshAgainCount++;
      if (freshAgain.size() < REPORTED_IDS) {
        freshAgain.add(id);
      }
    }

    Report report(int stale, boolean more) {
      return new Report(
          stale,
          List.copyOf(newlyStale),
          newlyStaleCount,
          List.copyOf(freshAgain),
          freshAgainCount,
          Map.copyOf(unserved),
          more);
    }
  }

  /** How many jobs are stale now, as the last check left them. */
  public int staleCount() {
    return store.staleCount();
  }
}
