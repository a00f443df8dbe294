package io.kairos.worker;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerConfigurationSupport;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerCustomizer;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import com.github.kagkarlsson.scheduler.event.ExecutionInterceptor;
import com.github.kagkarlsson.scheduler.event.SchedulerListener;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.stats.StatsRegistry;
import com.github.kagkarlsson.scheduler.task.Task;
import io.kairos.catalogue.BuiltInJobTypes;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.clock.DatabaseClock;
import io.kairos.core.Kairos;
import io.kairos.execution.JobTask;
import io.kairos.execution.JobTasks;
import io.kairos.execution.LeaseGuard;
import io.kairos.execution.RescheduleListener;
import io.kairos.jobtype.log.LogHandler;
import io.kairos.jobtype.noop.NoopHandler;
import io.kairos.jobtype.oauth.CredentialStore;
import io.kairos.jobtype.retention.RetentionHandler;
import io.kairos.notification.Notifications;
import io.kairos.registry.JobRegistry;
import io.kairos.serialization.KairosJson;
import io.kairos.spring.EmailProperties;
import io.kairos.spring.WebhookProperties;
import io.kairos.watchdog.StaleJobWatchdog;
import io.kairos.worker.declared.DeclaredJobsHealth;
import io.kairos.worker.declared.DeclaredJobsProperties;
import io.kairos.worker.declared.DeclaredJobsReconciler;
import io.kairos.worker.jobtypes.TierOne;
import io.kairos.worker.metrics.KairosMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires scheduler-core into db-scheduler's Spring Boot starter. */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

  /**
   * db-scheduler's clock is the database's, so liveness and due times do not depend on this JVM's
   * clock. Declared here rather than taken from the starter, whose configuration class needs the
   * tasks and so could not also provide their clock.
   */
  @Bean(destroyMethod = "close")
  DatabaseClock dbSchedulerClock(
      DataSource dataSource, java.time.Clock localClock, WorkerProperties properties) {
    return new DatabaseClock(dataSource, localClock, properties.clockRefresh());
  }

  /**
   * Payloads are checked as the API checks them, webhook targets against this worker's policy and
   * e-mail senders against its allowed sender domains, a webhook's OAuth credential against the
   * stored ones (a payload that fails here fails its job permanently); a worker also runs the
   * operator-only types.
   */
  @Bean
  JobCatalogue jobCatalogue(
      WebhookProperties webhooks, EmailProperties email, CredentialStore credentials) {
    return JobCatalogue.builtIn(
        BuiltInJobTypes.runnable(),
        KairosJson.newObjectMapper(),
        webhooks.policy(),
        email.senderDomains(),
        credentials::exists);
  }

  /**
   * The steps every task shares: start, run, record (results written in groups, and notified), the
   * persisted retry tier, revival. Reschedules written by a group commit are told to the near-due
   * trigger, as db-scheduler's own reschedules are through its listener.
   */
  @Bean(destroyMethod = "close")
  JobTasks jobTasks(
      Kairos kairos,
      WorkerProperties properties,
      KairosMetrics metrics,
      Optional<RescheduleListener> rescheduled,
      Notifications notifications) {
    return kairos.jobTasks(
        JobTasks.Settings.DEFAULTS
            .withBackoff(properties.retry().backoff())
            .withTimeouts(properties.timeouts())
            .withObserver(metrics)
            .withCompletionBatching(properties.completionBatchSize(), properties.completionLinger())
            .withRescheduled(rescheduled.orElse(RescheduleListener.NONE))
            .withNotifier(notifications));
  }

  @Bean
  KairosMetrics kairosMetrics(MeterRegistry registry, JobRegistry jobs, StaleJobWatchdog watchdog) {
    return new KairosMetrics(registry, jobs, watchdog);
  }

  @Bean
  RetentionHandler retentionHandler(DataSource dataSource) {
    return new RetentionHandler(dataSource);
  }

  @Bean
  JobTask<?> retentionTask(RetentionHandler handler, TierOne tierOne, JobTasks tasks) {
    return tasks.task(
        BuiltInJobTypes.RETENTION, tierOne.decorate(BuiltInJobTypes.RETENTION, handler));
  }

  @Bean
  @DependsOnDatabaseInitialization
  DeclaredJobsReconciler declaredJobsReconciler(
      DeclaredJobsProperties properties, Kairos kairos, RetentionHandler retention) {
    return new DeclaredJobsReconciler(
        properties, kairos.catalogue(), kairos.declarations(), retention, kairos.json());
  }

  /** The worker's health names declarations it could not apply ({@code declaredJobClashes}). */
  @Bean
  DeclaredJobsHealth declaredJobsHealthIndicator(DeclaredJobsReconciler reconciler) {
    return new DeclaredJobsHealth(reconciler);
  }

  /** Revokes attempts whose heartbeats stopped before the cluster may revive them. */
  @Bean(destroyMethod = "close")
  LeaseGuard leaseGuard(
      Scheduler scheduler,
      JobTasks tasks,
      DbSchedulerProperties dbScheduler,
      WorkerProperties properties) {
    Duration heartbeat = dbScheduler.getHeartbeatInterval();
    Duration deadAfter = heartbeat.multipliedBy(dbScheduler.getMissedHeartbeatsLimit());
    if (properties.leaseMargin().compareTo(deadAfter) >= 0) {
      throw new IllegalStateException(
          "kairos.worker.lease-margin ("
              + properties.leaseMargin()
              + ") must be shorter than the dead-after window, db-scheduler.heartbeat-interval ×"
              + " db-scheduler.missed-heartbeats-limit ("
              + deadAfter
              + ")");
    }
    Duration checkEvery = heartbeat.dividedBy(4);
    return new LeaseGuard(
        scheduler::getCurrentlyExecuting,
        tasks.attempts(),
        deadAfter,
        properties.leaseMargin(),
        checkEvery.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : checkEvery);
  }

  @Bean
  JobTask<?> noopTask(TierOne tierOne, JobTasks tasks) {
    return tasks.task(
        BuiltInJobTypes.NOOP, tierOne.decorate(BuiltInJobTypes.NOOP, new NoopHandler()));
  }

  @Bean
  JobTask<?> logTask(TierOne tierOne, JobTasks tasks) {
    return tasks.task(BuiltInJobTypes.LOG, tierOne.decorate(BuiltInJobTypes.LOG, new LogHandler()));
  }

  @Bean
  DbSchedulerCustomizer kairosDbSchedulerCustomizer(Kairos kairos, WorkerProperties properties) {
    Serializer serializer = kairos.serializer();
    DataSource joining = kairos.schedulerDataSource();
    return new DbSchedulerCustomizer() {
      @Override
      public Optional<SchedulerName> schedulerName() {
        return Optional.of(new SchedulerName.Fixed(properties.nodeName()));
      }

      @Override
      public Optional<Serializer> serializer() {
        return Optional.of(serializer);
      }

      @Override
      public Optional<DataSource> dataSource() {
        return Optional.of(joining);
      }
    };
  }

  /**
   * The starter's scheduler, built the starter's way, but without its destroy method: {@code
   * WorkerLifecycle} stops it in the right order (stop claiming, drain, then stop heartbeats).
   * Declared jobs are reconciled before it exists, so it never claims a job about to be removed.
   */
  @Bean(destroyMethod = "")
  Scheduler scheduler(
      DeclaredJobsReconciler declaredJobs,
      DbSchedulerProperties config,
      DbSchedulerCustomizer customizer,
      StatsRegistry statsRegistry,
      Clock clock,
      DataSource dataSource,
      List<Task<?>> tasks,
      List<SchedulerListener> listeners,
      List<ExecutionInterceptor> interceptors) {
    return DbSchedulerConfigurationSupport.buildScheduler(
        config, customizer, statsRegistry, clock, dataSource, tasks, listeners, interceptors);
  }
}
