package io.kairos.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerConfigurationSupport;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerCustomizer;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import com.github.kagkarlsson.scheduler.event.ExecutionInterceptor;
import com.github.kagkarlsson.scheduler.event.SchedulerListener;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.stats.StatsRegistry;
import com.github.kagkarlsson.scheduler.task.Task;
import io.kairos.clock.DatabaseClock;
import io.kairos.execution.ExecutionSupport;
import io.kairos.execution.JobTask;
import io.kairos.execution.KairosSchedulerClient;
import io.kairos.execution.LeaseGuard;
import io.kairos.execution.RunningAttempts;
import io.kairos.execution.TransactionJoiningDataSource;
import io.kairos.history.JobRunStore;
import io.kairos.job.BuiltInJobTypes;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobCatalogue;
import io.kairos.job.JobDeclarations;
import io.kairos.job.JobStore;
import io.kairos.job.email.EmailHandler;
import io.kairos.job.log.LogHandler;
import io.kairos.job.noop.NoopHandler;
import io.kairos.job.retention.RetentionHandler;
import io.kairos.job.webhook.WebhookHandler;
import io.kairos.node.NodeStore;
import io.kairos.outbound.OutboundRefused;
import io.kairos.outbound.Resolver;
import io.kairos.outbound.SenderDomains;
import io.kairos.serialization.JsonSerializer;
import io.kairos.serialization.KairosJson;
import io.kairos.watchdog.StaleJobWatchdog;
import io.kairos.worker.declared.DeclaredJobsProperties;
import io.kairos.worker.declared.DeclaredJobsReconciler;
import io.kairos.worker.jobtypes.EmailProperties;
import io.kairos.worker.jobtypes.TierOne;
import io.kairos.worker.jobtypes.WebhookProperties;
import io.kairos.worker.metrics.KairosMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires scheduler-core into db-scheduler's Spring Boot starter. */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

  /** Kairos's mapper for stored JSON; not a bean, so Spring Boot keeps its own. */
  static final ObjectMapper STORED_JSON = KairosJson.newObjectMapper();

  /** This JVM's clock; a bean so tests can skew it. */
  @Bean
  @ConditionalOnMissingBean
  java.time.Clock localClock() {
    return java.time.Clock.systemUTC();
  }

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
   * e-mail senders against its allowed sender domains: a payload that fails here fails its job
   * permanently.
   */
  @Bean
  JobCatalogue jobCatalogue(WebhookProperties webhooks, EmailProperties email) {
    SenderDomains senders = email.senderDomains();
    return new JobCatalogue(BuiltInJobTypes.runnable(), STORED_JSON)
        .withCheck(
            WebhookHandler.TYPE, WebhookHandler.targetCheck(webhooks.policy(), Resolver.SYSTEM))
        .withCheck(
            EmailHandler.TYPE,
            payload -> {
              try {
                senders.check(payload.from());
              } catch (OutboundRefused e) {
                throw new InvalidJobException("from", e.getMessage());
              }
            });
  }

  @Bean
  JobRunStore jobRunStore(DataSource dataSource) {
    return new JobRunStore(dataSource);
  }

  @Bean
  JobStore jobStore(DataSource dataSource) {
    return new JobStore(dataSource, STORED_JSON);
  }

  @Bean
  NodeStore nodeStore(DataSource dataSource) {
    return new NodeStore(dataSource);
  }

  @Bean
  ExecutionSupport executionSupport(
      JobCatalogue catalogue,
      JobRunStore runs,
      JobStore jobs,
      PlatformTransactionManager transactionManager,
      Clock clock,
      WorkerProperties properties,
      KairosMetrics metrics) {
    return new ExecutionSupport(
        catalogue,
        runs,
        jobs,
        new TransactionTemplate(transactionManager),
        clock,
        properties.retry().backoff(),
        properties.timeouts(),
        new RunningAttempts(),
        ExecutionSupport.timeoutTimer(),
        metrics);
  }

  @Bean
  KairosMetrics kairosMetrics(
      MeterRegistry registry, DataSource dataSource, StaleJobWatchdog watchdog) {
    return new KairosMetrics(registry, dataSource, watchdog);
  }

  @Bean
  RetentionHandler retentionHandler(DataSource dataSource) {
    return new RetentionHandler(dataSource);
  }

  @Bean
  JobTask<?> retentionTask(RetentionHandler handler, TierOne tierOne, ExecutionSupport support) {
    return new JobTask<>(
        RetentionHandler.TYPE, tierOne.decorate(RetentionHandler.TYPE, handler), support);
  }

  /** Writes declared jobs' executions; a client, like the API's, that never polls. */
  @Bean
  JobDeclarations jobDeclarations(
      DataSource dataSource,
      JobStore jobs,
      PlatformTransactionManager transactionManager,
      Clock clock) {
    SchedulerClient client =
        KairosSchedulerClient.create(dataSource, new JsonSerializer(STORED_JSON));
    return new JobDeclarations(
        jobs,
        client,
        new TransactionTemplate(transactionManager),
        new JdbcTemplate(dataSource),
        clock);
  }

  @Bean
  @DependsOnDatabaseInitialization
  DeclaredJobsReconciler declaredJobsReconciler(
      DeclaredJobsProperties properties,
      JobCatalogue catalogue,
      JobDeclarations declarations,
      RetentionHandler retention) {
    return new DeclaredJobsReconciler(properties, catalogue, declarations, retention, STORED_JSON);
  }

  /** Revokes attempts whose heartbeats stopped before the cluster may revive them. */
  @Bean(destroyMethod = "close")
  LeaseGuard leaseGuard(
      Scheduler scheduler,
      ExecutionSupport support,
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
        support.attempts(),
        deadAfter,
        properties.leaseMargin(),
        checkEvery.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : checkEvery);
  }

  @Bean
  JobTask<?> noopTask(TierOne tierOne, ExecutionSupport support) {
    return new JobTask<>(
        NoopHandler.TYPE, tierOne.decorate(NoopHandler.TYPE, new NoopHandler()), support);
  }

  @Bean
  JobTask<?> logTask(TierOne tierOne, ExecutionSupport support) {
    return new JobTask<>(
        LogHandler.TYPE, tierOne.decorate(LogHandler.TYPE, new LogHandler()), support);
  }

  @Bean
  DbSchedulerCustomizer kairosDbSchedulerCustomizer(
      DataSource dataSource, WorkerProperties properties) {
    Serializer serializer = new JsonSerializer(STORED_JSON);
    DataSource joining = new TransactionJoiningDataSource(dataSource);
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
