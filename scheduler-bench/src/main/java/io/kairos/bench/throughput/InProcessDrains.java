package io.kairos.bench.throughput;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.catalogue.SealedJob;
import io.kairos.core.Kairos;
import io.kairos.execution.JobTask;
import io.kairos.execution.JobTasks;
import io.kairos.execution.ServedTypesLockAndFetch;
import io.kairos.job.JobData;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.noop.NoopHandler;
import io.kairos.limits.FlowLimit;
import io.kairos.limits.FlowLimits;
import io.kairos.limits.LimitedClaims;
import io.kairos.registry.JobStore;
import io.kairos.registry.RunHistoryStore;
import io.kairos.registry.TransactionJoiningDataSource;
import io.kairos.schema.KairosSchema;
import io.kairos.serialization.JsonSerializer;
import io.kairos.serialization.KairosJson;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The drains that run in this JVM: the SQL limit (claim and delete with plain JDBC), plain
 * db-scheduler, and Kairos's {@link JobTask} in a scheduler built as a worker builds it, each from
 * a backlog written here.
 */
final class InProcessDrains {

  private static final int SQL_BATCH = 100;

  /** The lock-and-fetch limits of a worker with Kairos's defaults (fractions of its threads). */
  private static final double WORKER_FETCH_LOWER = 1.0;

  private static final double WORKER_FETCH_UPPER = 2.0;

  /** db-scheduler.heartbeat-interval of a worker with Kairos's defaults. */
  private static final Duration WORKER_HEARTBEAT = Duration.ofSeconds(1);

  /** How long a worker with Kairos's defaults trusts a fresh claim: half its 2 s lease margin. */
  private static final Duration WORKER_CLAIM_TRUST = Duration.ofSeconds(1);

  private InProcessDrains() {}

  /** The same backlog of plain executions for the SQL limit and plain db-scheduler. */
  private static void plainBacklog(DataSource pool, Task<?> task, int executions) {
    var json = KairosJson.newObjectMapper();
    SchedulerClient client =
        SchedulerClient.Builder.create(new TransactionJoiningDataSource(pool), task)
            .serializer(new JsonSerializer(json))
            .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
            .build();
    JobData data = JobData.first(json.createObjectNode(), ScheduleSpec.at(Instant.now()), 3);
    List<TaskInstance<?>> batch = new ArrayList<>();
    for (int i = 0; i < executions; i++) {
      batch.add(new TaskInstance<>(task.getName(), "job-" + i, data));
    }
    client.scheduleBatch(batch, Instant.now());
  }

  /**
   * Jobs created as a batch of the API creates them (registry rows + executions, {@code
   * JobStore.createAll}), 500 per transaction; with {@code ownKeys}, each with a concurrency key of
   * its own, one of 100.
   */
  private static void kairosBacklog(Kairos kairos, int executions, boolean ownKeys) {
    JobStore jobs = kairos.jobs();
    var json = kairos.json();
    Instant now = Instant.now();
    for (int from = 0; from < executions; from += 500) {
      List<SealedJob> batch = new ArrayList<>();
      for (int i = from; i < Math.min(from + 500, executions); i++) {
        batch.add(
            kairos
                .payloadSecrets()
                .seal(
                    new NewJob(
                        "job-" + i,
                        BuiltInJobTypes.NOOP.name(),
                        null,
                        json.createObjectNode().put("duration", "PT0S"),
                        ScheduleSpec.at(now),
                        3,
                        0,
                        "bench-" + i,
                        "bench",
                        null,
                        null,
                        List.of(),
                        ownKeys ? "customer-" + (i % 100) : null)));
      }
      kairos.transactions().executeWithoutResult(tx -> jobs.createAll(batch, JobSource.API));
    }
  }

  /**
   * Claims {@value #SQL_BATCH} due rows with {@code for update skip locked} and deletes them
   * conditioned on their version, one transaction per batch, on {@code connections} connections.
   */
  static double sqlLimit(HikariDataSource pool, int executions, int connections) throws Exception {
    Task<?> task = Tasks.oneTime("plain", JobData.class).execute((instance, context) -> {});
    plainBacklog(pool, task, executions);
    AtomicLong deleted = new AtomicLong();
    ExecutorService workers = Executors.newFixedThreadPool(connections);
    long start = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      running.add(
          workers.submit(
              () -> {
                try (Connection c = pool.getConnection()) {
                  c.setAutoCommit(false);
                  while (claimAndDelete(c, deleted) > 0) {
                    // next batch
                  }
                }
                return null;
              }));
    }
    DrainProgress progress = new DrainProgress(executions, deleted::get);
    for (Future<?> f : running) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    progress.close();
    workers.shutdown();
    return deleted.get() / seconds;
  }

  private static int claimAndDelete(Connection c, AtomicLong deleted) throws SQLException {
    List<String> names = new ArrayList<>();
    List<String> instances = new ArrayList<>();
    List<Long> versions = new ArrayList<>();
    try (PreparedStatement claim =
        c.prepareStatement(
            KairosSchema.DEFAULT.sql(
                "select task_name, task_instance, version from scheduled_tasks where not picked"
                    + " and execution_time <= now() order by execution_time limit ?"
                    + " for update skip locked"))) {
      claim.setInt(1, SQL_BATCH);
      try (ResultSet rs = claim.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
          instances.add(rs.getString(2));
          versions.add(rs.getLong(3));
        }
      }
    }
    if (names.isEmpty()) {
      c.commit();
      return 0;
    }
    int n;
    try (PreparedStatement delete =
        c.prepareStatement(
            KairosSchema.DEFAULT.sql(
                "delete from scheduled_tasks t using unnest(?::text[], ?::text[], ?::bigint[])"
                    + " as x(task_name, task_instance, version) where t.task_name = x.task_name"
                    + " and t.task_instance = x.task_instance and t.version = x.version"))) {
      Array a = c.createArrayOf("text", names.toArray());
      Array b = c.createArrayOf("text", instances.toArray());
      Array v = c.createArrayOf("int8", versions.toArray());
      delete.setArray(1, a);
      delete.setArray(2, b);
      delete.setArray(3, v);
      n = delete.executeUpdate();
    }
    c.commit();
    deleted.addAndGet(n);
    return n;
  }

  /**
   * A flow limit far above what the threads can run (so it never binds), or none: on the type, on
   * each job's key read from its payload, on each job's own key, or a rate far above the drain's.
   */
  private static LimitedClaims neverBinding(ThroughputBench.Kind kind, DataSource dataSource) {
    String type = BuiltInJobTypes.NOOP.name();
    return switch (kind) {
      case KAIROS_TYPE_LIMIT ->
          new LimitedClaims(
              new FlowLimits(List.of(new FlowLimit(type, null, null, 100_000, null, null))),
              KairosSchema.DEFAULT,
              dataSource);
      case KAIROS_KEY_LIMIT ->
          new LimitedClaims(
              new FlowLimits(List.of(new FlowLimit(type, "*", "/duration", 100_000, null, null))),
              KairosSchema.DEFAULT,
              dataSource);
      case KAIROS_OWN_KEY_LIMIT ->
          new LimitedClaims(
              new FlowLimits(List.of(new FlowLimit(type, "*", null, 100_000, null, null))),
              KairosSchema.DEFAULT,
              dataSource);
      case KAIROS_RATE_LIMIT ->
          new LimitedClaims(
              new FlowLimits(
                  List.of(new FlowLimit(type, null, null, null, 1_000_000, Duration.ofSeconds(1)))),
              KairosSchema.DEFAULT,
              dataSource);
      default -> null;
    };
  }

  static double scheduler(
      HikariDataSource pool, int executions, int threads, ThroughputBench.Kind kind, Duration limit)
      throws Exception {
    boolean kairos = kind == ThroughputBench.Kind.KAIROS || kind.limited();
    var json = KairosJson.newObjectMapper();
    JsonSerializer serializer = new JsonSerializer(json);
    DataSource joining = new TransactionJoiningDataSource(pool);
    JdbcTemplate jdbc = new JdbcTemplate(pool);
    Task<?> task;
    JobTasks jobTasks = null;
    if (kairos) {
      Kairos core =
          Kairos.builder(pool, new DataSourceTransactionManager(pool))
              .clock(new SystemClock())
              .build();
      jobTasks =
          core.jobTasks(
              JobTasks.Settings.DEFAULTS
                  .withCompletionsAwaited(false)
                  .withClaims(new JobTasks.Claims(WORKER_CLAIM_TRUST, WORKER_HEARTBEAT)));
      task = jobTasks.task(BuiltInJobTypes.NOOP, new NoopHandler());
      kairosBacklog(core, executions, kind == ThroughputBench.Kind.KAIROS_OWN_KEY_LIMIT);
    } else {
      task = Tasks.oneTime("plain", JobData.class).execute((instance, context) -> {});
      plainBacklog(pool, task, executions);
    }
    var builder =
        Scheduler.create(joining, task)
            .schedulerName(new SchedulerName.Fixed("bench"))
            .serializer(serializer)
            .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
            .threads(threads)
            .pollingInterval(Duration.ofMillis(100));
    if (kairos) {
      LimitedClaims limited = neverBinding(kind, pool);
      if (limited != null) {
        // As a worker under limits: every start of a limited type is admitted
        // (WorkerConfiguration).
        jobTasks.waitingOnLimits(limited.limits().limitedTypes(), limited);
      }
      // As a worker with Kairos's defaults runs it (kairos-worker-defaults.properties).
      builder
          .pollUsingLockAndFetch(WORKER_FETCH_LOWER, WORKER_FETCH_UPPER)
          .enablePriority()
          .heartbeatInterval(WORKER_HEARTBEAT)
          .missedHeartbeatsLimit(5)
          .jdbcCustomization(
              new ServedTypesLockAndFetch(
                  List.of(BuiltInJobTypes.NOOP.name()),
                  false,
                  jobTasks.claims(),
                  KairosSchema.DEFAULT,
                  limited));
    } else if (kind == ThroughputBench.Kind.PLAIN_WIDE) {
      builder.pollUsingLockAndFetch(WORKER_FETCH_LOWER, WORKER_FETCH_UPPER);
    } else if (kind == ThroughputBench.Kind.PLAIN_TUNED) {
      builder.pollUsingLockAndFetch(0.5, 3.0); // the wider limits a tuned db-scheduler uses
    } else {
      builder.pollUsingLockAndFetch(0.5, 1.0); // db-scheduler's defaults for lock-and-fetch
    }
    Scheduler scheduler = builder.build();
    AtomicLong remaining = new AtomicLong(executions);
    long start = System.nanoTime();
    scheduler.start();
    DrainProgress progress = new DrainProgress(executions, () -> executions - remaining.get());
    long deadline = start + limit.toNanos();
    while (System.nanoTime() < deadline) {
      remaining.set(unfinished(jdbc));
      if (remaining.get() == 0) {
        break;
      }
      Thread.sleep(20); // a benchmark driver polling for its end condition
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    progress.close();
    scheduler.stop();
    if (jobTasks != null) {
      jobTasks.close();
      checkHistory(
          new RunHistoryStore(pool, KairosSchema.DEFAULT), "job-", executions - remaining.get());
    }
    return (executions - remaining.get()) / seconds;
  }

  /** Executions not done yet: the end condition of every scheduler's drain. */
  static long unfinished(JdbcTemplate jdbc) {
    return jdbc.queryForObject(
        KairosSchema.DEFAULT.sql("select count(*) from scheduled_tasks"), Long.class);
  }

  /** Every execution done has exactly one first attempt in the run history. */
  static void checkHistory(RunHistoryStore history, String idPrefix, long done) {
    int recorded = history.countFirstAttempts(idPrefix);
    if (recorded != done) {
      throw new IllegalStateException(
          "history has " + recorded + " attempts for " + done + " done");
    }
  }
}
