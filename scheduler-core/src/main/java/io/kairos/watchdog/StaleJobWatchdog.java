package io.kairos.watchdog;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.job.ScheduleSpec;
import io.kairos.registry.JobRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds jobs that should have run and did not (a freshness watchdog, for a cluster): a recurring
 * job whose last success (or creation, if it never succeeded) is older than its typical interval ×
 * {@code tolerance} + {@code grace}, and a one-time job due for longer than {@code unclaimedAfter}
 * without any worker claiming it. Stale jobs are marked in the registry; jobs that are fresh again
 * lose it.
 */
public final class StaleJobWatchdog {

  private final JobRegistry jobs;
  private final Clock clock;
  private final Settings settings;

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
  public record Report(List<String> stale, List<String> newlyStale, List<String> freshAgain) {}

  public StaleJobWatchdog(JobRegistry jobs, Clock clock, Settings settings) {
    this.jobs = jobs;
    this.clock = clock;
    this.settings = settings;
  }

  public Report check() {
    Instant now = clock.now();
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
        if (!job.markedStale()) {
          newlyStale.add(job.id());
        }
      } else if (job.markedStale()) {
        freshAgain.add(job.id());
      }
    }
    jobs.markStale(newlyStale);
    jobs.clearStale(freshAgain);
    return new Report(stale, newlyStale, freshAgain);
  }

  /** How many jobs are stale now, as the last check left them. */
  public int staleCount() {
    return jobs.staleCount();
  }
}
