package io.kairos.worker;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerConfigurationSupport;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerCustomizer;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import com.github.kagkarlsson.scheduler.event.ExecutionInterceptor;
import com.github.kagkarlsson.scheduler.event.SchedulerListener;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.stats.StatsRegistry;
import com.github.kagkarlsson.scheduler.task.Task;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PublishedTypes;
import io.kairos.clock.DatabaseClock;
import io.kairos.core.Kairos;
import io.kairos.execution.ImmediateRevival;
import io.kairos.execution.JobTask;
import io.kairos.execution.JobTasks;
import io.kairos.execution.LeaseGuard;
import io.kairos.execution.RescheduleListener;
import io.kairos.execution.ServedTypesLockAndFetch;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.jobtype.BoundCredentialUses;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.oauth.CredentialStore;
import io.kairos.jobtype.retention.RetentionHandler;
import io.kairos.limits.LimitedClaims;
import io.kairos.notification.Notifications;
import io.kairos.serialization.KairosJson;
import io.kairos.spring.EmailProperties;
import io.kairos.spring.WebhookProperties;
import io.kairos.watchdog.StaleJobWatchdog;
import io.kairos.worker.custom.CustomJobType;
import io.kairos.worker.custom.CustomJobTypes;
import io.kairos.worker.declared.DeclaredJobsHealth;
import io.kairos.worker.declared.DeclaredJobsProperties;
import io.kairos.worker.declared.DeclaredJobsReconciler;
import io.kairos.worker.jobtypes.BuiltInHandler;
import io.kairos.worker.jobtypes.TierOne;
import io.kairos.worker.metrics.KairosMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires scheduler-core into db-scheduler's Spring Boot starter. */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

  /**
   * db-scheduler's clock is the database's, so liveness and due times do not depend on this JVM's
   * clock. Declared here rather than taken from the starter, whose configuration class needs the
   * tasks and so could not also provide their clock. Gives way to another (the test kit's settable
   * clock).
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Clock.class)
  DatabaseClock dbSchedulerClock(
      DataSource dataSource, java.time.Clock localClock, WorkerProperties properties) {
    return new DatabaseClock(dataSource, localClock, properties.clockRefresh());
  }

  /** The application's own job types: its {@code @KairosJob} beans and bean methods. */
  @Bean
  static CustomJobTypes customJobTypes(ConfigurableListableBeanFactory beans) {
    return CustomJobTypes.scan(beans);
  }

  /**
   * The types this worker serves: the built-in ones {@code kairos.worker.built-in-types} names
   * (operator-only types included) and the application's own. Payloads are checked as the API
   * checks them, webhook targets against this worker's policy and e-mail senders against its
   * allowed sender domains, a webhook's OAuth credential against the stored ones (a payload that
   * fails here fails its job permanently).
   */
  @Bean
  JobCatalogue jobCatalogue(
      WorkerProperties properties,
      CustomJobTypes custom,
      WebhookProperties webhooks,
      EmailProperties email,
      CredentialStore credentials,
      PublishedTypes publishedTypes) {
    List<JobType<?>> served =
        new ArrayList<>(properties.servedBuiltInTypes(BuiltInJobTypes.runnable()));
    Set<String> builtInNames = BuiltInJobTypes.names();
    for (CustomJobType<?> type : custom.types()) {
      if (builtInNames.contains(type.type().name())) {
        throw new IllegalStateException(
            "job type '"
                + type.type().name()
                + "' declared by "
                + type.declaredBy()
                + " is the name of a built-in type; choose another name");
      }
      served.add(type.type());
    }
    if (served.isEmpty()) {
      throw new IllegalStateException(
          "this worker serves no job type: kairos.worker.built-in-types is none and the"
              + " application declares no @KairosJob; declare one, or set kairos.worker.enabled=false"
              + " in an application that only schedules jobs");
    }
    // Types other workers serve are known too — the built-in ones anyone may create, the
    // applications' own by their published schemas: this application may schedule them
    // (KairosJobs), though it does not run them.
    return BuiltInJobTypes.catalogue(
            served,
            BuiltInJobTypes.all(),
            KairosJson.newObjectMapper(),
            webhooks.policy(),
            email.senderDomains(),
            credentials::exists)
        .withCredentials(new BoundCredentialUses(credentials::bindingOf))
        .withPublishedTypes(publishedTypes);
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
      DbSchedulerProperties dbScheduler,
      KairosMetrics metrics,
      Optional<RescheduleListener> rescheduled,
      Notifications notifications) {
    // A claim younger than half the lease margin is not read again at start: nobody may revive it
    // before the dead-after window, and the lease guard, which counts from the start, gives up a
    // margin before that window ends.
    JobTasks.Claims claims =
        new JobTasks.Claims(
            properties.leaseMargin().dividedBy(2), dbScheduler.getHeartbeatInterval());
    return kairos.jobTasks(
        JobTasks.Settings.DEFAULTS
            .withBackoff(properties.retry().backoff())
            .withTimeouts(properties.timeouts())
            .withCancels(properties.cancels())
            .withObserver(metrics)
            .withCompletionBatching(properties.completionBatchSize(), properties.completionLinger())
            .withCompletionsAwaited(properties.awaitCompletionCommit())
            .withClaims(claims)
            .withRescheduled(rescheduled.orElse(RescheduleListener.NONE))
            .withNotifier(notifications));
  }

  @Bean
  KairosMetrics kairosMetrics(
      MeterRegistry registry,
      Kairos kairos,
      StaleJobWatchdog watchdog,
      @Value("${kairos.worker-liveness:15s}") Duration workerLiveness) {
    return new KairosMetrics(
        registry, kairos.overview(), kairos.deadJobs(), watchdog, workerLiveness);
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

  /**
   * Revives at once the executions of a node whose database session ended (its process died),
   * through the same dead-execution handler and version-checked writes as db-scheduler's own check.
   */
  @Bean
  ImmediateRevival immediateRevival(
      Kairos kairos,
      ServedTasks served,
      WorkerProperties properties,
      DbSchedulerProperties dbScheduler,
      Clock clock) {
    return new ImmediateRevival(
        kairos.schedulerDataSource(),
        kairos.schema().table("scheduled_tasks"),
        served.tasks(),
        properties.nodeName(),
        kairos.serializer(),
        clock,
        dbScheduler.isAlwaysPersistTimestampInUtc());
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

  /**
   * db-scheduler as Kairos runs it: this node's name in {@code picked_by}, Kairos's serializer, the
   * transaction-joining DataSource, and polls that claim only the types this worker serves, nothing
   * while the cluster is paused, and hand their claims to {@code JobTasks.claims()} until a thread
   * takes them.
   */
  @Bean
  DbSchedulerCustomizer kairosDbSchedulerCustomizer(
      Kairos kairos,
      WorkerProperties properties,
      DbSchedulerProperties dbScheduler,
      JobTasks jobTasks,
      LimitedClaims limitedClaims) {
    Serializer serializer = kairos.serializer();
    DataSource joining = kairos.schedulerDataSource();
    String table = kairos.schema().table("scheduled_tasks");
    if (!table.equals(dbScheduler.getTableName())) {
      throw new IllegalStateException(
          "db-scheduler.table-name must be "
              + table
              + " (db-scheduler's table in the schema kairos.schema), not "
              + dbScheduler.getTableName()
              + "; leave it unset");
    }
    ServedTypesLockAndFetch servedTypesOnly =
        new ServedTypesLockAndFetch(
            kairos.catalogue().types().stream().map(JobType::name).toList(),
            dbScheduler.isAlwaysPersistTimestampInUtc(),
            jobTasks.claims(),
            kairos.schema(),
            limitedClaims);
    // A job held back by a limit waits: its lateness is not a misfire.
    jobTasks.waitingOnLimits(limitedClaims.limits().limitedTypes(), limitedClaims);
    return new DbSchedulerCustomizer() {
      @Override
      public Optional<JdbcCustomization> jdbcCustomization() {
        return Optional.of(servedTypesOnly);
      }

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
   * The tasks this worker's scheduler runs: one per served type, built-in or the application's own,
   * alike — the type's handler inside tier 1. Declared jobs are reconciled before they exist, so no
   * scheduler built from them ever claims a job about to be removed.
   */
  @Bean
  ServedTasks servedTasks(
      DeclaredJobsReconciler declaredJobs,
      List<BuiltInHandler<?>> builtIns,
      CustomJobTypes custom,
      JobCatalogue catalogue,
      TierOne tierOne,
      JobTasks jobTasks) {
    Set<String> served = catalogue.types().stream().map(JobType::name).collect(Collectors.toSet());
    List<Task<?>> tasks = new ArrayList<>();
    builtIns.stream()
        .filter(builtIn -> served.contains(builtIn.type().name()))
        .forEach(builtIn -> tasks.add(task(builtIn, tierOne, jobTasks)));
    custom.types().forEach(type -> tasks.add(task(type, tierOne, jobTasks)));
    return new ServedTasks(tasks);
  }

  /**
   * The starter's scheduler, built the starter's way, but without its destroy method: {@code
   * WorkerLifecycle} stops it in the right order (stop claiming, drain, then stop heartbeats).
   * Gives way to another (the test kit's manual scheduler).
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean(Scheduler.class)
  Scheduler scheduler(
      ServedTasks served,
      DbSchedulerProperties config,
      DbSchedulerCustomizer customizer,
      StatsRegistry statsRegistry,
      Clock clock,
      DataSource dataSource,
      List<SchedulerListener> listeners,
      List<ExecutionInterceptor> interceptors) {
    return DbSchedulerConfigurationSupport.buildScheduler(
        config,
        customizer,
        statsRegistry,
        clock,
        dataSource,
        served.tasks(),
        listeners,
        interceptors);
  }

  private static <P> JobTask<P> task(
      BuiltInHandler<P> builtIn, TierOne tierOne, JobTasks jobTasks) {
    return task(builtIn.type(), builtIn.handler(), tierOne, jobTasks);
  }

  private static <P> JobTask<P> task(CustomJobType<P> custom, TierOne tierOne, JobTasks jobTasks) {
    return task(custom.type(), custom.handler(), tierOne, jobTasks);
  }

  private static <P> JobTask<P> task(
      JobType<P> type, JobHandler<P> handler, TierOne tierOne, JobTasks jobTasks) {
    return jobTasks.task(type, tierOne.decorate(type, handler));
  }
}
