package io.kairos.worker;

import com.github.kagkarlsson.scheduler.boot.autoconfigure.DbSchedulerAutoConfiguration;
import io.kairos.spring.KairosCoreAutoConfiguration;
import io.kairos.worker.cluster.ClusterPauseWatcher;
import io.kairos.worker.declared.DeclaredJobsProperties;
import io.kairos.worker.housekeeping.HousekeepingConfiguration;
import io.kairos.worker.housekeeping.HousekeepingProperties;
import io.kairos.worker.jobtypes.JobTypesConfiguration;
import io.kairos.worker.jobtypes.RetryTierProperties;
import io.kairos.worker.limits.FlowLimitsConfiguration;
import io.kairos.worker.limits.FlowLimitsProperties;
import io.kairos.worker.node.WorkerLifecycle;
import io.kairos.worker.notification.NotificationConfiguration;
import io.kairos.worker.notification.NotificationProperties;
import io.kairos.worker.wakeup.NearDueTrigger;
import io.kairos.worker.wakeup.WakeUpListener;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * Makes the application a Kairos worker replica: it claims due executions of the job types it
 * serves (its own {@link KairosJob} beans and, unless {@code kairos.worker.built-in-types} says
 * otherwise, the built-in ones), heartbeats, publishes its types and drains on shutdown.
 *
 * <p>Ordered before Kairos's core and db-scheduler's starter, whose defaults (the catalogue, the
 * clock, the scheduler) give way to the worker's. {@code kairos.worker.enabled=false} turns it off,
 * for an application that only schedules jobs (the API is one).
 */
@AutoConfiguration(
    after = DataSourceTransactionManagerAutoConfiguration.class,
    before = {KairosCoreAutoConfiguration.class, DbSchedulerAutoConfiguration.class})
@ConditionalOnProperty(name = "kairos.worker.enabled", matchIfMissing = true)
@EnableConfigurationProperties({
  WorkerProperties.class,
  RetryTierProperties.class,
  NotificationProperties.class,
  HousekeepingProperties.class,
  DeclaredJobsProperties.class,
  FlowLimitsProperties.class
})
// Imported one by one rather than scanned: scanning io.kairos.worker would also pick up whatever an
// application keeps in that package (its own @SpringBootApplication, say).
@Import({
  WorkerConfiguration.class,
  JobTypesConfiguration.class,
  NotificationConfiguration.class,
  HousekeepingConfiguration.class,
  WorkerLifecycle.class,
  NearDueTrigger.class,
  WakeUpListener.class,
  ClusterPauseWatcher.class,
  FlowLimitsConfiguration.class
})
public class KairosWorkerAutoConfiguration {}
