package io.kairos.test;

import com.github.kagkarlsson.scheduler.PollingStrategyConfig;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerCustomizer;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import com.github.kagkarlsson.scheduler.stats.StatsRegistry;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.github.resilience4j.retry.RetryRegistry;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.registry.JobStore;
import io.kairos.registry.RunHistoryStore;
import io.kairos.retry.RetryPolicy;
import io.kairos.worker.KairosWorkerAutoConfiguration;
import io.kairos.worker.ServedTasks;
import io.kairos.worker.jobtypes.RetryTierProperties;
import io.kairos.worker.jobtypes.TierOne;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Test mode ({@link KairosTest}): the worker's clock and scheduler give way to a settable clock and
 * db-scheduler's manual scheduler, and tier 1 of the retries to one that does not wait. Ordered
 * before the worker's auto-configuration, whose clock, scheduler and tier 1 yield to beans already
 * defined.
 *
 * <p>Everything else is the worker's own: its catalogue, tasks ({@link ServedTasks}: the
 * application's {@code @KairosJob} types and the built-in types it serves), declared jobs, node
 * registration and published types. Background parts that remain are harmless here: the lease guard
 * judges heartbeats on the kit's clock, which stands still while {@code runDue()} runs; the
 * cluster-pause watcher and the near-due trigger only pause or nudge a scheduler that polls when
 * told to.
 */
@AutoConfiguration(before = KairosWorkerAutoConfiguration.class)
@ConditionalOnProperty(name = "kairos.test-kit.enabled", havingValue = "true")
@EnableConfigurationProperties(KairosTestKitProperties.class)
public class KairosTestKitAutoConfiguration {

  /**
   * Kairos's clock in test mode: the clock of due times, misfires, schedules and {@code
   * KairosJobs}. Starts at the wall clock's time (whole milliseconds, as the database keeps them).
   * Named as the worker's database clock, which it replaces.
   */
  @Bean("dbSchedulerClock")
  SettableClock dbSchedulerClock() {
    SettableClock clock = new SettableClock();
    clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    return clock;
  }

  /**
   * db-scheduler's manual scheduler with the worker's tasks and its Kairos settings (serializer,
   * transaction-joining DataSource, the claim of served types only). It claims with the same
   * lock-and-fetch statement as a polling worker (the builder's default would be fetch-then-pick),
   * runs executions on the calling thread, and starts no thread of its own: no polling, heartbeats
   * or dead-execution checks, which a single test process does not need.
   */
  @Bean(destroyMethod = "")
  ManualScheduler scheduler(
      ServedTasks served,
      DbSchedulerCustomizer kairosSettings,
      DbSchedulerProperties config,
      SettableClock clock,
      DataSource dataSource,
      ObjectProvider<StatsRegistry> applicationStats,
      ExecutionCounter executions,
      WorkerDeaths deaths) {
    TestHelper.ManualSchedulerBuilder builder =
        TestHelper.createManualScheduler(
                kairosSettings.dataSource().orElse(dataSource), deaths.mortal(served.tasks()))
            .clock(clock)
            .pollingStrategy(
                new PollingStrategyConfig(
                    PollingStrategyConfig.Type.LOCK_AND_FETCH,
                    config.getPollingStrategyLowerLimitFractionOfThreads(),
                    config.getPollingStrategyUpperLimitFractionOfThreads()));
    kairosSettings.serializer().ifPresent(builder::serializer);
    kairosSettings.jdbcCustomization().ifPresent(builder::jdbcCustomization);
    builder.threads(config.getThreads());
    // What KairosTestKit.DEAD_AFTER counts on (the manual scheduler's own limit of missed beats).
    builder.heartbeatInterval(KairosTestKit.HEARTBEAT_INTERVAL);
    builder.tableName(config.getTableName());
    if (config.isPriorityEnabled()) {
      builder.enablePriority();
    }
    // The manual scheduler tells what happens only to its stats registry (its listeners would
    // hear nothing but task resolution), so the application's scheduler listeners are not added.
    builder.statsRegistry(
        executions.countingInto(applicationStats.getIfUnique(() -> StatsRegistry.NOOP)));
    return builder.build();
  }

  @Bean
  ExecutionCounter kairosTestKitExecutions() {
    return new ExecutionCounter();
  }

  @Bean
  WorkerDeaths kairosTestKitWorkerDeaths() {
    return new WorkerDeaths();
  }

  @Bean
  KairosTestKit kairosTestKit(
      ManualScheduler scheduler,
      SettableClock clock,
      ExecutionCounter executions,
      WorkerDeaths deaths,
      JobStore jobs,
      RunHistoryStore runs) {
    return new KairosTestKit(scheduler, clock, executions, deaths, jobs, runs);
  }

  /**
   * Tier 1 as configured, but trying again after 1 ms (Resilience4j's least) rather than sleeping
   * its waits, unless {@code kairos.test-kit.instant-in-process-retries=false}. The number of tries
   * stays as configured, so a test still sees how many the handler gets.
   */
  @Bean
  TierOne tierOne(
      RetryTierProperties properties,
      RetryRegistry kairosRetryRegistry,
      JobCatalogue catalogue,
      KairosTestKitProperties kit) {
    Map<String, RetryPolicy> policies = new LinkedHashMap<>(properties.policies(catalogue));
    if (kit.instantInProcessRetries()) {
      policies.replaceAll((type, policy) -> instant(policy));
    }
    return new TierOne(kairosRetryRegistry, policies);
  }

  private static RetryPolicy instant(RetryPolicy policy) {
    Duration least = Duration.ofMillis(1);
    return new RetryPolicy(policy.maxAttempts(), least, 1.0, 0.0, least);
  }
}
