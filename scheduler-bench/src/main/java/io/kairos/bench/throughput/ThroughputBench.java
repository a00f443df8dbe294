package io.kairos.bench.throughput;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.catalogue.BuiltInJobTypes;
import io.kairos.core.Kairos;
import io.kairos.execution.JobTask;
import io.kairos.execution.JobTasks;
import io.kairos.job.JobData;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.noop.NoopHandler;
import io.kairos.migration.KairosMigrations;
import io.kairos.registry.JobRegistry;
import io.kairos.registry.RunHistory;
import io.kairos.registry.TransactionJoiningDataSource;
import io.kairos.serialization.JsonSerializer;
import io.kairos.serialization.KairosJson;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * How many no-op executions per second are completed from a backlog of due executions, in one
 * invocation and from the same backlog size each time:
 *
 * <ul>
 *   <li><b>SQL limit</b>: no scheduler at all, one or two JDBC connections each claiming 100 due
 *       rows ({@code for update skip locked}) and deleting them version-checked, one transaction
 *       per batch — what the table can do for this work;
 *   <li><b>plain db-scheduler</b>: a one-time task that does nothing, lock-and-fetch, one
 *       scheduler;
 *   <li><b>Kairos</b>: {@link JobTask} with its whole path — claim check, timeout timer, history
 *       row, job state — and results written in groups (group commit), from jobs created through
 *       the registry.
 * </ul>
 *
 * Rounds alternate between the configurations; each run gets a fresh database. A program, not a
 * test: it prints progress and a markdown table. Usage: {@code java -cp
 * scheduler-bench/target/scheduler-bench.jar io.kairos.bench.throughput.ThroughputBench
 * [--jdbc-url=…] [--user=…] [--password=…] [--executions=20000] [--rounds=3] [--threads=10,40]}.
 */
public final class ThroughputBench {

  private static final int SQL_BATCH = 100;
  private static final Duration RUN_LIMIT = Duration.ofMinutes(5);

  private ThroughputBench() {}

  /** One measured configuration. */
  private record Config(String label, Kind kind, int parallelism) {}

  private enum Kind {
    SQL,
    PLAIN,
    KAIROS
  }

  private record Options(
      String server, String user, String password, int executions, int rounds, int[] threads) {

    static Options parse(String[] args) {
      String server = "jdbc:postgresql://127.0.0.1:5432/postgres";
      String user = "postgres";
      String password = "";
      int executions = 20_000;
      int rounds = 3;
      int[] threads = {10, 40};
      for (String arg : args) {
        String[] kv = arg.split("=", 2);
        String value = kv.length > 1 ? kv[1] : "";
        switch (kv[0]) {
          case "--jdbc-url" -> server = value;
          case "--user" -> user = value;
          case "--password" -> password = value;
          case "--executions" -> executions = Integer.parseInt(value);
          case "--rounds" -> rounds = Integer.parseInt(value);
          case "--threads" ->
              threads = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
          case "--help" -> {
            System.out.println(
                "ThroughputBench [--jdbc-url=URL] [--user=U] [--password=P] [--executions=N]"
                    + " [--rounds=N] [--threads=T1,T2,...]");
            System.exit(0);
          }
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      return new Options(server, user, password, executions, rounds, threads);
    }
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    List<Config> configs = new ArrayList<>();
    configs.add(new Config("SQL limit: claim 100 + delete, 1 connection", Kind.SQL, 1));
    configs.add(new Config("SQL limit: claim 100 + delete, 2 connections", Kind.SQL, 2));
    for (int t : options.threads()) {
      configs.add(new Config("plain db-scheduler, " + t + " threads", Kind.PLAIN, t));
      configs.add(
          new Config("Kairos JobTask + history, group commit, " + t + " threads", Kind.KAIROS, t));
    }
    System.out.printf(
        "Throughput from a backlog of %,d due no-op executions, one scheduler, lock-and-fetch"
            + " (0.5, 1.0), PostgreSQL at %s; %d rounds, alternating%n%n",
        options.executions(), options.server(), options.rounds());
    List<List<Double>> rates = new ArrayList<>();
    configs.forEach(c -> rates.add(new ArrayList<>()));
    int total = options.rounds() * configs.size();
    int done = 0;
    for (int round = 1; round <= options.rounds(); round++) {
      for (int i = 0; i < configs.size(); i++) {
        Config config = configs.get(i);
        done++;
        System.out.printf("[%d/%d] round %d, %s%n", done, total, round, config.label());
        double rate = run(options, config);
        rates.get(i).add(rate);
        System.out.printf("        %,.0f executions/s%n", rate);
      }
    }
    System.out.println();
    System.out.println(table(options, configs, rates));
  }

  private static String table(Options options, List<Config> configs, List<List<Double>> rates) {
    double sqlLimit = 0;
    double plainStock = 0;
    for (int i = 0; i < configs.size(); i++) {
      double median = median(rates.get(i));
      if (configs.get(i).kind() == Kind.SQL) {
        sqlLimit = Math.max(sqlLimit, median);
      }
      if (configs.get(i).kind() == Kind.PLAIN && configs.get(i).parallelism() == 10) {
        plainStock = median;
      }
    }
    if (plainStock == 0) {
      plainStock =
          configs.stream()
              .filter(c -> c.kind() == Kind.PLAIN)
              .findFirst()
              .map(c -> median(rates.get(configs.indexOf(c))))
              .orElse(Double.NaN);
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%,d executions per run, %d rounds; ratios on medians%n%n",
            options.executions(),
            options.rounds()));
    out.append(
        "| configuration | executions/s, each round | median | × SQL limit | × plain db-scheduler"
            + " (10 threads) | × plain db-scheduler, same threads |\n");
    out.append("|---|---|---:|---:|---:|---:|\n");
    for (int i = 0; i < configs.size(); i++) {
      Config config = configs.get(i);
      double median = median(rates.get(i));
      String sameThreads = "";
      if (config.kind() == Kind.KAIROS) {
        for (int j = 0; j < configs.size(); j++) {
          if (configs.get(j).kind() == Kind.PLAIN
              && configs.get(j).parallelism() == config.parallelism()) {
            sameThreads = String.format(Locale.ROOT, "%.2f", median / median(rates.get(j)));
          }
        }
      }
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,.0f | %.2f | %s | %s |%n",
              config.label(),
              String.join(
                  " / ",
                  rates.get(i).stream().map(r -> String.format(Locale.ROOT, "%,.0f", r)).toList()),
              median,
              median / sqlLimit,
              config.kind() == Kind.SQL
                  ? ""
                  : String.format(Locale.ROOT, "%.2f", median / plainStock),
              sameThreads));
    }
    return out.toString();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double run(Options options, Config config) throws Exception {
    String database = "kairos_throughput_" + config.kind().name().toLowerCase(Locale.ROOT);
    try (Connection c =
            DriverManager.getConnection(options.server(), options.user(), options.password());
        Statement st = c.createStatement()) {
      st.execute("drop database if exists " + database);
      st.execute("create database " + database);
    }
    String url = options.server().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(url);
    hikari.setUsername(options.user());
    hikari.setPassword(options.password());
    hikari.setMaximumPoolSize(
        config.kind() == Kind.SQL ? config.parallelism() + 1 : Math.min(config.parallelism(), 24));
    try (HikariDataSource pool = new HikariDataSource(hikari)) {
      KairosMigrations.migrate(pool);
      return switch (config.kind()) {
        case SQL -> sqlLimit(pool, options.executions(), config.parallelism());
        case PLAIN -> scheduler(pool, options.executions(), config.parallelism(), false);
        case KAIROS -> scheduler(pool, options.executions(), config.parallelism(), true);
      };
    } finally {
      try (Connection c =
              DriverManager.getConnection(options.server(), options.user(), options.password());
          Statement st = c.createStatement()) {
        st.execute("drop database if exists " + database);
      }
    }
  }

  /** The same backlog of plain executions for the SQL limit and plain db-scheduler. */
  private static void plainBacklog(DataSource pool, Task<?> task, int executions) {
    var json = KairosJson.newObjectMapper();
    SchedulerClient client =
        SchedulerClient.Builder.create(new TransactionJoiningDataSource(pool), task)
            .serializer(new JsonSerializer(json))
            .build();
    JobData data = JobData.first(json.createObjectNode(), ScheduleSpec.at(Instant.now()), 3);
    List<TaskInstance<?>> batch = new ArrayList<>();
    for (int i = 0; i < executions; i++) {
      batch.add(new TaskInstance<>(task.getName(), "job-" + i, data));
    }
    client.scheduleBatch(batch, Instant.now());
  }

  /** Jobs created as the API creates them (registry row + execution), 500 per transaction. */
  private static void kairosBacklog(Kairos kairos, int executions) {
    JobRegistry jobs = kairos.jobs();
    var json = kairos.json();
    Instant now = Instant.now();
    for (int from = 0; from < executions; from += 500) {
      int start = from;
      kairos
          .transactions()
          .executeWithoutResult(
              tx -> {
                for (int i = start; i < Math.min(start + 500, executions); i++) {
                  jobs.create(
                      new NewJob(
                          "job-" + i,
                          BuiltInJobTypes.NOOP.name(),
                          null,
                          json.createObjectNode(),
                          ScheduleSpec.at(now),
                          3,
                          0,
                          "bench-" + i,
                          "bench"),
                      JobSource.API);
                }
              });
    }
  }

  /**
   * Claims {@value #SQL_BATCH} due rows with {@code for update skip locked} and deletes them
   * conditioned on their version, one transaction per batch, on {@code connections} connections.
   */
  private static double sqlLimit(HikariDataSource pool, int executions, int connections)
      throws Exception {
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
    Progress progress = new Progress(executions, deleted::get);
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
            "select task_name, task_instance, version from scheduled_tasks where not picked"
                + " and execution_time <= now() order by execution_time limit ?"
                + " for update skip locked")) {
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
            "delete from scheduled_tasks t using unnest(?::text[], ?::text[], ?::bigint[])"
                + " as x(task_name, task_instance, version) where t.task_name = x.task_name"
                + " and t.task_instance = x.task_instance and t.version = x.version")) {
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

  private static double scheduler(
      HikariDataSource pool, int executions, int threads, boolean kairos) throws Exception {
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
      jobTasks = core.jobTasks(JobTasks.Settings.DEFAULTS);
      task = jobTasks.task(BuiltInJobTypes.NOOP, new NoopHandler());
      kairosBacklog(core, executions);
    } else {
      task = Tasks.oneTime("plain", JobData.class).execute((instance, context) -> {});
      plainBacklog(pool, task, executions);
    }
    Scheduler scheduler =
        Scheduler.create(joining, task)
            .schedulerName(new SchedulerName.Fixed("bench"))
            .serializer(serializer)
            .threads(threads)
            .pollUsingLockAndFetch(0.5, 1.0)
            .pollingInterval(Duration.ofMillis(100))
            .build();
    AtomicLong remaining = new AtomicLong(executions);
    long start = System.nanoTime();
    scheduler.start();
    Progress progress = new Progress(executions, () -> executions - remaining.get());
    long deadline = start + RUN_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      remaining.set(jdbc.queryForObject("select count(*) from scheduled_tasks", Long.class));
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
      int recorded = new RunHistory(pool).countFirstAttempts("job-");
      if (recorded != executions - remaining.get()) {
        throw new IllegalStateException(
            "history has "
                + recorded
                + " attempts for "
                + (executions - remaining.get())
                + " done");
      }
    }
    return (executions - remaining.get()) / seconds;
  }

  /** Prints how far a run is, every two seconds, on one terminal line. */
  private static final class Progress implements AutoCloseable {
    private final java.util.concurrent.ScheduledExecutorService printer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-progress");
              t.setDaemon(true);
              return t;
            });

    Progress(int total, java.util.function.LongSupplier done) {
      long start = System.nanoTime();
      printer.scheduleAtFixedRate(
          () ->
              System.out.printf(
                  "        %,d / %,d after %.0f s%n",
                  done.getAsLong(), total, (System.nanoTime() - start) / 1e9),
          2,
          2,
          java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      printer.shutdownNow();
    }
  }
}
