package io.kairos.watchdog;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.job.JobEvent;
import io.kairos.job.ScheduleSpec;
import io.kairos.notification.Notifier;
import io.kairos.registry.JobRegistry;
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
 * without any worker claiming it. Stale jobs are marked in the registry; jobs that are fresh again
 * lose it.
 *
 * <p>A job that becomes stale is marked and its STALE notification arranged in one transaction, so
 * each time a job goes stale it is notified once (the mark is not set again while it stays stale).
 */
public final class StaleJobWatchdog {

  private final JobRegistry jobs;
  private final Clock clock;
  private final Settings settings;
  private final TransactionOperations transactions;
  private final Notifier notifier;

  /**
   * @param tolerance how many intervals a recurring job may go without success
   * @param grace added to the allowance, so a job running every second is not stale after 2 s
   * @param unclaimedAfter how long a due one-time job may wait for a worker
   */
  public record Settings(double tolerance, Duration grace, Duration unclaimedAfter) {
    public Settings {
      if (tolerance < 1.0) {
        throw new IllegalArgumentException("stale tolerance must be at least 1");
      }
      if (grace.isNegative() || unclaimedAfter.isNegative()) {
        throw new IllegalArgumentException("stale grace and unclaimed-after must not be negative");
      }
    }
  }

  /** The outcome of one check. */
  /**
   * @param unserved the stale jobs no live worker can run, by id, with their type
   */
  public record Report(
      List<String> stale,
      List<String> newlyStale,
      List<String> freshAgain,
      Map<String, String> unserved) {}

  private final Supplier<Set<String>> servedTypes;

  public StaleJobWatchdog(
      JobRegistry jobs,
      Clock clock,
      Settings settings,
      TransactionOperations transactions,
      Notifier notifier) {
    this(jobs, clock, settings, transactions, notifier, () -> null);
  }

  /**
   * @param servedTypes the types some live worker serves (null: not known), so a job that is stale
   *     because nobody serves its type is reported as such
   */
  public StaleJobWatchdog(
      JobRegistry jobs,
      Clock clock,
      Settings settings,
      TransactionOperations transactions,
      Notifier notifier,
      Supplier<Set<String>> servedTypes) {
    this.servedTypes = servedTypes;
    this.jobs = jobs;
    this.clock = clock;
    this.settings = settings;
    this.transactions = transactions;
    this.notifier = notifier;
  }

  public Report check() {
    Instant now = clock.now();
    Set<String> served = servedTypes.get();
    Map<String, String> unserved = new LinkedHashMap<>();
    List<String> stale = new ArrayList<>();
    List<String> newlyStale = new ArrayList<>();
    List<String> freshAgain = new ArrayList<>();
    for (JobRegistry.Liveness job : jobs.activeJobs()) {
      boolean isStale;
      ScheduleSpec schedule = job.schedule();
      if (schedule != null && schedule.recurring()) {
        Instant reference = job.lastSuccess() != null ? job.lastSuccess() : job.createdAt();
        Duration interval = schedule.typicalInterval(now);
        Duration allowed =
            Duration.ofMillis((long) (interval.toMillis() * settings.tolerance()))
                .plus(settings.grace());
        isStale = Duration.between(reference, now).compareTo(allowed) > 0;
      } else {
        isStale =
            !job.picked()
                && Duration.between(job.executionTime(), now).compareTo(settings.unclaimedAfter())
                    > 0;
      }
      if (isStale) {
        stale.add(job.id());
        if (served != null && !served.contains(job.type())) {
          unserved.put(job.id(), job.type());
        }
        if (!job.markedStale()) {
          newlyStale.add(job.id());
        }
      } else if (job.markedStale()) {
        freshAgain.add(job.id());
      }
    }
    for (String id : newlyStale) {
      transactions.executeWithoutResult(
          tx -> {
            if (jobs.markStale(id)) {
              String type = unserved.get(id);
              notifier.notify(
                  JobEvent.STALE,
                  id,
                  null,
                  type == null
                      ? "it has not run as its schedule says it should"
                      : "it has not run as its schedule says it should: no live worker serves"
                          + " type "
                          + type);
            }
          });
    }
    jobs.clearStale(freshAgain);
    return new Report(stale, newlyStale, freshAgain, Map.copyOf(unserved));
  }

  /** How many jobs are stale now, as the last check left them. */
  public int staleCount() {
    return jobs.staleCount();
  }
}
