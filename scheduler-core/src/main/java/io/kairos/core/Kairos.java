package io.kairos.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.clock.DatabaseClock;
import io.kairos.cluster.ClusterSwitch;
import io.kairos.control.Backfills;
import io.kairos.control.ControlStore;
import io.kairos.control.JobControl;
import io.kairos.control.JobRequests;
import io.kairos.control.JobSubmitter;
import io.kairos.crypto.SecretCipher;
import io.kairos.deadjob.DeadJobStore;
import io.kairos.deadjob.DeadJobs;
import io.kairos.declared.JobDeclarations;
import io.kairos.execution.JobTasks;
import io.kairos.housekeeping.Housekeeper;
import io.kairos.job.MisfirePolicy;
import io.kairos.limits.LimitStore;
import io.kairos.node.NodeStore;
import io.kairos.notification.NotificationSettings;
import io.kairos.notification.Notifications;
import io.kairos.registry.ClusterOverviewStore;
import io.kairos.registry.JobStore;
import io.kairos.registry.JobTables;
import io.kairos.registry.RunHistoryStore;
import io.kairos.registry.TransactionJoiningDataSource;
import io.kairos.running.AttemptSignalStore;
import io.kairos.schema.KairosSchema;
import io.kairos.serialization.JsonSerializer;
import io.kairos.serialization.KairosJson;
import io.kairos.wakeup.DueListener;
import io.kairos.watchdog.StaleJobWatchdog;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one entry point to Kairos's core: built for a data source and the transaction manager that
 * manages it, with safe defaults, it hands out the stores, the services that change jobs and the
 * tasks a worker runs, all wired alike. The worker, the API, standalone mode and the tests build
 * the job engine here; what is not the engine's (the published types, OAuth credentials, the
 * wake-up sender) is built beside it, in scheduler-spring's auto-configuration.
 *
 * <pre>{@code
 * Kairos kairos = Kairos.builder(dataSource, transactionManager).build();
 * kairos.submitter().submit(newJob);
 * }</pre>
 */
public final class Kairos implements AutoCloseable {

  private final DataSource dataSource;
  private final ObjectMapper json;
  private final JsonSerializer serializer;
  private final Clock clock;
  private final DatabaseClock ownedClock;
  private final JobCatalogue catalogue;
  private final PlatformTransactionManager transactionManager;
  private final TransactionOperations transactions;
  private final DueListener dueListener;
  private final JobTables tables;
  private final JobStore jobs;
  private final ControlStore controlStore;
  private final DeadJobStore deadJobStore;
  private final RunHistoryStore runs;
  private final NodeStore nodes;
  private final ClusterOverviewStore overview;
  private final MisfirePolicy misfire;
  private final ClusterSwitch cluster;
  private final PayloadSecrets secrets;
  private final JobRequests requests;
  private final KairosSchema schema;
  private final LimitStore limits;

  private Kairos(Builder builder) {
    this.dataSource = builder.dataSource;
    this.json = KairosJson.newObjectMapper();
    this.serializer = new JsonSerializer(json);
    if (builder.clock != null) {
      this.clock = builder.clock;
      this.ownedClock = null;
    } else {
      DatabaseClock databaseClock =
          new DatabaseClock(dataSource, java.time.Clock.systemUTC(), Duration.ofSeconds(10));
      this.clock = databaseClock;
      this.ownedClock = databaseClock;
    }
    this.catalogue =
        builder.catalogue != null ? builder.catalogue : new JobCatalogue(List.of(), json);
    this.transactionManager = builder.transactionManager;
    this.transactions = new TransactionTemplate(builder.transactionManager);
    // After the caller's transaction, if one is open: an application's own, or a worker's.
    this.dueListener = DueListener.afterCommit(builder.dueListener);
    this.schema = builder.schema;
    this.tables = new JobTables(dataSource, json, clock, schema);
    this.jobs = new JobStore(tables);
    this.controlStore = new ControlStore(tables);
    this.secrets = new PayloadSecrets(catalogue, builder.cipher);
    this.deadJobStore = new DeadJobStore(tables, secrets);
    this.runs = new RunHistoryStore(dataSource, schema);
    this.nodes = new NodeStore(dataSource, schema);
    this.overview = new ClusterOverviewStore(dataSource, schema);
    this.misfire = builder.misfire;
    this.cluster = new ClusterSwitch(dataSource, schema);
    this.limits = new LimitStore(dataSource, transactions, schema);
    this.requests = new JobRequests(catalogue, json, clock);
  }

  /** Starts building the core on {@code dataSource}, whose transactions {@code manager} manages. */
  public static Builder builder(DataSource dataSource, PlatformTransactionManager manager) {
    return new Builder(dataSource, manager);
  }

  /** The schema that holds Kairos's tables. */
  public KairosSchema schema() {
    return schema;
  }

  /** Kairos's mapper for stored JSON (payloads, schedules, task data). */
  public ObjectMapper json() {
    return json;
  }

  /** db-scheduler's task-data serializer; every writer of task data uses this one. */
  public JsonSerializer serializer() {
    return serializer;
  }

  public Clock clock() {
    return clock;
  }

  public JobCatalogue catalogue() {
    return catalogue;
  }

  public TransactionOperations transactions() {
    return transactions;
  }

  /** The jobs: created, replaced, found and listed. */
  public JobStore jobs() {
    return jobs;
  }

  /**
   * The statements of changing jobs (pause, resume, run now, cancel…), in a caller's transaction.
   */
  public ControlStore controlStore() {
    return controlStore;
  }

  /** The statements on dead jobs (requeue one in a caller's transaction…). */
  public DeadJobStore deadJobStore() {
    return deadJobStore;
  }

  /** The one translation of a request (from the API, Java code, a handler) into a job. */
  public JobRequests requests() {
    return requests;
  }

  /** Seals, opens and masks the secret values of payloads (webhook headers). */
  public PayloadSecrets payloadSecrets() {
    return secrets;
  }

  public RunHistoryStore runs() {
    return runs;
  }

  /** Cancel requests and progress of running attempts, for the API and the dashboard. */
  public AttemptSignalStore attemptSignals() {
    return new AttemptSignalStore(dataSource, schema);
  }

  public NodeStore nodes() {
    return nodes;
  }

  /** What the cluster is doing, for the dashboard and a worker's metrics. */
  public ClusterOverviewStore overview() {
    return overview;
  }

  /** The cluster-wide pause: no attempt starts anywhere while it is on. */
  /** The flow limits the workers declared, and what waits on them. */
  public LimitStore limits() {
    return limits;
  }

  public ClusterSwitch cluster() {
    return cluster;
  }

  /** The cluster's default misfire grace of one-time jobs that set none. */
  public MisfirePolicy misfire() {
    return misfire;
  }

  /** A db-scheduler client that joins the caller's transaction; it never polls or executes. */
  public SchedulerClient schedulerClient() {
    return tables.schedulerClient();
  }

  /**
   * The data source for db-scheduler's own scheduler: its writes join a Kairos transaction when one
   * is open, so a completion and its history commit together.
   */
  public DataSource schedulerDataSource() {
    return new TransactionJoiningDataSource(dataSource);
  }

  public JobSubmitter submitter() {
    return new JobSubmitter(jobs, transactions, dueListener, secrets);
  }

  /** Runs a recurring job's occurrences of a past range, each once. */
  public Backfills backfills() {
    return new Backfills(jobs, secrets, transactions, clock);
  }

  public JobControl control() {
    return new JobControl(controlStore, jobs, transactions, clock, dueListener);
  }

  public DeadJobs deadJobs() {
    return new DeadJobs(deadJobStore, jobs, controlStore, transactions, dueListener);
  }

  public JobDeclarations declarations() {
    return new JobDeclarations(tables, jobs, transactions, secrets);
  }

  /** The tasks of a worker: call {@link JobTasks#task} for each type it serves. */
  public JobTasks jobTasks(JobTasks.Settings settings) {
    return new JobTasks(
        catalogue,
        secrets,
        tables,
        requests,
        jobs,
        runs,
        transactions,
        clock,
        settings,
        misfire,
        cluster,
        dueListener);
  }

  /**
   * Notifications as jobs of Kairos's own, for the events of {@code settings}; hand it to {@link
   * JobTasks.Settings#withNotifier} and {@link #watchdog(StaleJobWatchdog.Settings,
   * io.kairos.notification.Notifier)}.
   */
  public Notifications notifications(NotificationSettings settings) {
    return new Notifications(tables, jobs, secrets, json, clock, transactionManager, settings);
  }

  /** The stale-job watchdog, notifying nobody. */
  public StaleJobWatchdog watchdog(StaleJobWatchdog.Settings settings) {
    return watchdog(settings, io.kairos.notification.Notifier.NONE);
  }

  /** The stale-job watchdog, telling {@code notifier} of jobs that become stale. */
  public StaleJobWatchdog watchdog(
      StaleJobWatchdog.Settings settings, io.kairos.notification.Notifier notifier) {
    return new StaleJobWatchdog(tables, clock, settings, transactions, notifier);
  }

  /**
   * The stale-job watchdog, telling {@code notifier} of jobs that become stale, and naming those no
   * live worker can run ({@code servedTypes}: the types some live worker serves).
   */
  public StaleJobWatchdog watchdog(
      StaleJobWatchdog.Settings settings,
      io.kairos.notification.Notifier notifier,
      java.util.function.Supplier<java.util.Set<String>> servedTypes) {
    return new StaleJobWatchdog(tables, clock, settings, transactions, notifier, servedTypes);
  }

  public Housekeeper housekeeper(int batchSize) {
    return new Housekeeper(dataSource, schema, batchSize);
  }

  /** Stops the database clock if this instance made it. */
  @Override
  public void close() {
    if (ownedClock != null) {
      ownedClock.close();
    }
  }

  /** Builds a {@link Kairos}; everything but the data source and transactions has a default. */
  public static final class Builder {
    private final DataSource dataSource;
    private final PlatformTransactionManager transactionManager;
    private Clock clock;
    private JobCatalogue catalogue;
    private DueListener dueListener = DueListener.NONE;
    private MisfirePolicy misfire = MisfirePolicy.DEFAULT;
    private SecretCipher cipher;
    private KairosSchema schema = KairosSchema.DEFAULT;

    private Builder(DataSource dataSource, PlatformTransactionManager transactionManager) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.transactionManager = Objects.requireNonNull(transactionManager, "transactionManager");
    }

    /** "Now" for due times; default: the database's clock, refreshed every 10 s. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * The job types known here; default: none (the core knows no type of its own: the built-in ones
     * are kairos-jobtypes', {@code BuiltInJobTypes.catalogue}).
     */
    public Builder catalogue(JobCatalogue value) {
      this.catalogue = Objects.requireNonNull(value, "catalogue");
      return this;
    }

    /** Told of every job made due (wake-ups); default: nobody. */
    public Builder dueListener(DueListener value) {
      this.dueListener = Objects.requireNonNull(value, "dueListener");
      return this;
    }

    /**
     * How late a one-time job without a misfire grace of its own may start; default {@link
     * MisfirePolicy#DEFAULT_GRACE}. Give the API and every worker the same.
     */
    public Builder defaultMisfireGrace(java.time.Duration value) {
      this.misfire = new MisfirePolicy(Objects.requireNonNull(value, "defaultMisfireGrace"));
      return this;
    }

    /**
     * Seals secret payload values (webhook headers) at rest; default: none, and then jobs with
     * secret values are refused ({@code SecretsNeedAKey}).
     */
    public Builder cipher(SecretCipher value) {
      this.cipher = value;
      return this;
    }

    /**
     * The schema that holds Kairos's tables, as migrated there ({@code KairosMigrations}); default
     * {@link KairosSchema#DEFAULT}. Give the API and every worker the same.
     */
    public Builder schema(KairosSchema value) {
      this.schema = Objects.requireNonNull(value, "schema");
      return this;
    }

    public Kairos build() {
      return new Kairos(this);
    }
  }
}
