package io.kairos.worker.metrics;

import io.kairos.execution.AttemptObserver;
import io.kairos.watchdog.StaleJobWatchdog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Kairos's Micrometer meters (exported at {@code /actuator/prometheus}). Per-attempt meters count
 * this worker's attempts; the cluster gauges (due but unclaimed, stale, dead) are read from the
 * database every 10 s and are the same on every worker.
 */
public class KairosMetrics implements AttemptObserver {

  private static final Logger LOG = LoggerFactory.getLogger(KairosMetrics.class);

  private final MeterRegistry registry;
  private final JdbcTemplate jdbc;
  private final StaleJobWatchdog watchdog;
  private final AtomicLong dueUnclaimed = new AtomicLong();
  private final AtomicLong oldestDueMillis = new AtomicLong();
  private final AtomicLong stale = new AtomicLong();
  private final AtomicLong dead = new AtomicLong();

  public KairosMetrics(MeterRegistry registry, DataSource dataSource, StaleJobWatchdog watchdog) {
    this.registry = registry;
    this.jdbc = new JdbcTemplate(dataSource);
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
      Map<String, Object> due =
          jdbc.queryForMap(
              "select count(*) as n, coalesce(extract(epoch from now() - min(execution_time)) *"
                  + " 1000, 0) as oldest from scheduled_tasks where not picked and execution_time"
                  + " <= now()");
      dueUnclaimed.set(((Number) due.get("n")).longValue());
      oldestDueMillis.set(((Number) due.get("oldest")).longValue());
      stale.set(watchdog.staleCount());
      Long deadJobs =
          jdbc.queryForObject("select count(*) from kairos_job where state = 'DEAD'", Long.class);
      dead.set(deadJobs == null ? 0 : deadJobs);
    } catch (RuntimeException e) {
      LOG.debug("Could not refresh cluster gauges", e);
    }
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
