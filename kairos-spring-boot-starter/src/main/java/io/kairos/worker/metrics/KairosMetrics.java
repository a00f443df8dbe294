package io.kairos.worker.metrics;

import io.kairos.deadjob.DeadJobs;
import io.kairos.execution.AttemptObserver;
import io.kairos.registry.ClusterOverviewStore;
import io.kairos.watchdog.StaleJobWatchdog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Kairos's Micrometer meters (exported at {@code /actuator/prometheus}). Per-attempt meters count
 * this worker's attempts; the cluster gauges (due but unclaimed, stale, dead) are read from the
 * database every 10 s and are the same on every worker.
 */
public class KairosMetrics implements AttemptObserver {

  private static final Logger LOG = LoggerFactory.getLogger(KairosMetrics.class);

  /** How far back the gauge of revived executions looks. */
  static final Duration RECOVERED_WINDOW = Duration.ofMinutes(15);

  private final MeterRegistry registry;
  private final ClusterOverviewStore overview;
  private final DeadJobs deadJobs;
  private final StaleJobWatchdog watchdog;
  private final AtomicLong dueUnclaimed = new AtomicLong();
  private final AtomicLong oldestDueMillis = new AtomicLong();
  private final AtomicLong stale = new AtomicLong();
  private final AtomicLong dead = new AtomicLong();
  private final AtomicLong recoveredRecently = new AtomicLong();
  private final Duration workerLiveness;
  private final MultiGauge dueUnserved;

  public KairosMetrics(
      MeterRegistry registry,
      ClusterOverviewStore overview,
      DeadJobs deadJobs,
      StaleJobWatchdog watchdog) {
    this(registry, overview, deadJobs, watchdog, Duration.ofSeconds(15));
  }

  /**
   * @param workerLiveness a worker not seen for this long no longer counts as serving its types
   *     ({@code kairos.worker-liveness})
   */
  public KairosMetrics(
      MeterRegistry registry,
      ClusterOverviewStore overview,
      DeadJobs deadJobs,
      StaleJobWatchdog watchdog,
      Duration workerLiveness) {
    this.registry = registry;
    this.workerLiveness = workerLiveness;
    this.overview = overview;
    this.deadJobs = deadJobs;
    this.watchdog = watchdog;
    Gauge.builder("kairos.executions.due.unclaimed", dueUnclaimed, AtomicLong::get)
        .description("Executions due now that no worker has claimed")
        .register(registry);
    Gauge.builder("kairos.executions.due.oldest.age", oldestDueMillis, v -> v.get() / 1000.0)
        .baseUnit("seconds")
        .description("How long the oldest due, unclaimed execution has waited")
        .register(registry);
    Gauge.builder("kairos.jobs.stale", stale, AtomicLong::get)
        .description("Jobs the watchdog found overdue")
        .register(registry);
    Gauge.builder("kairos.jobs.dead", dead, AtomicLong::get)
        .description("Jobs that failed for good and wait for a requeue")
        .register(registry);
    Gauge.builder("kairos.executions.recovered.recent", recoveredRecently, AtomicLong::get)
        .description(
            "Attempts started in the last "
                + RECOVERED_WINDOW.toMinutes()
                + " minutes that re-ran"
                + " an execution whose worker died")
        .register(registry);
    dueUnserved =
        MultiGauge.builder("kairos.executions.due.unserved")
            .description("Executions due now, by job type, of types no live worker serves")
            .register(registry);
  }

  @Override
  public void observe(AttemptReport report) {
    try {
      Counter.builder("kairos.executions")
          .description("Attempts by job type and outcome")
          .tags("type", report.jobType(), "outcome", report.outcome().name())
          .register(registry)
          .increment();
      Timer.builder("kairos.execution.start.delay")
          .description("From due time to start")
          .tags("type", report.jobType())
          .publishPercentileHistogram()
          .register(registry)
          .record(nonNegative(report.startDelay()));
      Timer.builder("kairos.execution.duration")
          .description("Run time of an attempt")
          .tags("type", report.jobType(), "outcome", report.outcome().name())
          .publishPercentileHistogram()
          .register(registry)
          .record(nonNegative(report.runTime()));
      if (report.outcome() == io.kairos.job.RunOutcome.CANCELLED) {
        Counter.builder("kairos.executions.cancelled")
            .description("Attempts stopped while they ran: an operator's cancel, or an overlap")
            .tags("type", report.jobType())
            .register(registry)
            .increment();
      }
      if (report.skippedByOverlap() > 0) {
        Counter.builder("kairos.occurrences.skipped.overlap")
            .description("Occurrences skipped because they fell due while the previous one ran")
            .tags("type", report.jobType())
            .register(registry)
            .increment(report.skippedByOverlap());
      }
      if (report.caughtUp()) {
        Counter.builder("kairos.occurrences.caught.up")
            .description("Missed occurrences run late by a catch-up ALL policy")
            .tags("type", report.jobType())
            .register(registry)
            .increment();
      }
      if (report.next() == Next.RETRY) {
        Counter.builder("kairos.retries")
            .description("Failed attempts rescheduled by the persisted retry tier")
            .tags("type", report.jobType())
            .register(registry)
            .increment();
      } else if (report.next() == Next.DEAD) {
        Counter.builder("kairos.jobs.died")
            .description("Jobs that became dead")
            .tags("type", report.jobType())
            .register(registry)
            .increment();
      }
    } catch (RuntimeException e) {
      LOG.debug("Could not record metrics", e);
    }
  }

  @Scheduled(initialDelay = 0, fixedDelay = 10_000)
  public void refreshClusterGauges() {
    try {
      ClusterOverviewStore.DueBacklog due = overview.dueBacklog();
      dueUnclaimed.set(due.count());
      oldestDueMillis.set(due.oldestWait().toMillis());
      stale.set(watchdog.staleCount());
      dead.set(deadJobs.count());
      recoveredRecently.set(overview.recoveredWithin(RECOVERED_WINDOW));
      dueUnserved.register(
          overview.dueUnservedByType(workerLiveness).entrySet().stream()
              .map(e -> MultiGauge.Row.of(Tags.of("type", e.getKey()), e.getValue()))
              .toList(),
          true);
    } catch (RuntimeException e) {
      LOG.debug("Could not refresh cluster gauges", e);
    }
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
