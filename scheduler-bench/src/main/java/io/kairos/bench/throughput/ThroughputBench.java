package io.kairos.bench.throughput;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.bench.measure.Stats;
import io.kairos.bench.peers.JobRunrDrain;
import io.kairos.bench.peers.QuartzDrain;
import io.kairos.execution.JobTask;
import io.kairos.migration.KairosMigrations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
 *       the registry;
 *   <li><b>Kairos worker JVMs</b>: the stock worker jar, one and two JVMs with that many threads
 *       each, draining the same backlog of jobs ({@link WorkerDrain});
 *   <li><b>peers</b>: JobRunr OSS on PostgreSQL storage and Quartz clustered on JDBC, the same
 *       no-op work from the same backlog size.
 * </ul>
 *
 * Rounds alternate between the configurations; each run gets a fresh database. Then, unless left
 * out with {@code --parts}: what a claim and a page of the job list cost at growing numbers of
 * pending jobs ({@code io.kairos.bench.scale}), the firing delay of a worker JVM under a steady
 * load at half the rate one worker JVM drained ({@code io.kairos.bench.load}), that worker's memory
 * after many executions ({@code io.kairos.bench.footprint}), and how many jobs per second clients
 * create over REST, one per request against batches, on an API JVM ({@code
 * io.kairos.bench.creation}). A program, not a test: it prints progress, then a Markdown report,
 * written with its chart to {@code target/bench/throughput/}. {@code --help} lists the options;
 * {@code --quick} runs everything small in a few minutes.
 */
public final class ThroughputBench {

  private static final Duration RUN_LIMIT = Duration.ofMinutes(5);
  private static final String JOBRUNR_VERSION = "8.7.0";
  private static final String QUARTZ_VERSION = "2.5.2";

  /** db-scheduler.threads of a worker with Kairos's defaults. */
  private static final int WORKER_THREADS = 10;

  private ThroughputBench() {}

  /**
   * One measured configuration.
   *
   * @param parallelism threads (per JVM for {@link Kind#WORKER}), workers or connections
   * @param jvms worker JVMs ({@link Kind#WORKER} only)
   */
  private record Config(String label, String shortLabel, Kind kind, int parallelism, int jvms) {

    Config(String label, String shortLabel, Kind kind, int parallelism) {
      this(label, shortLabel, kind, parallelism, 0);
    }
  }

  enum Kind {
    SQL,
    PLAIN,
    /** Plain db-scheduler claiming as a Kairos worker does (its lock-and-fetch limits). */
    PLAIN_WIDE,
    /** Plain db-scheduler tuned: lock-and-fetch (0.5, 3.0), the stronger baseline. */
    PLAIN_TUNED,
    /**
     * As {@link #PLAIN_TUNED}, in a JVM of its own started for the run ({@link ColdPlainDrain}).
     */
    PLAIN_TUNED_COLD,
    KAIROS,
    /** As {@link #KAIROS}, its type under a concurrency limit that never binds. */
    KAIROS_TYPE_LIMIT,
    /** As {@link #KAIROS}, each job's key (from its payload) under a limit that never binds. */
    KAIROS_KEY_LIMIT,
    /** As {@link #KAIROS}, each job's own concurrency key under a limit that never binds. */
    KAIROS_OWN_KEY_LIMIT,
    /** As {@link #KAIROS}, its type under a rate limit far above the drain's rate. */
    KAIROS_RATE_LIMIT,
    WORKER,
    /** The worker jar, its JVMs timed from their first execution on (no warm-up). */
    WORKER_COLD,
    JOBRUNR,
    QUARTZ;

    /** Kairos in process under a flow limit that never binds. */
    boolean limited() {
      return this == KAIROS_TYPE_LIMIT
          || this == KAIROS_KEY_LIMIT
          || this == KAIROS_OWN_KEY_LIMIT
          || this == KAIROS_RATE_LIMIT;
    }
  }

  public static void main(String[] args) throws Exception {
    ThroughputOptions options;
    try {
      options = ThroughputOptions.parse(args);
    } catch (IllegalArgumentException e) {
      // A mistyped option: its message says what is wrong; a stack trace would bury it.
      System.err.println("ThroughputBench: " + e.getMessage());
      System.exit(2);
      return;
    }
    long started = System.nanoTime();
    StringBuilder report = new StringBuilder();
    report.append("# Kairos throughput benchmark\n\n");
    report.append(ThroughputSections.machine(options)).append('\n');
    double kairosRate = Double.NaN;
    if (options.parts().contains("throughput")) {
      for (int backlog : options.backlogs()) {
        double rate = throughput(options.withExecutions(backlog), report);
        // The steady load takes half the first pass's rate, the size the defaults measure.
        kairosRate = Double.isNaN(kairosRate) ? rate : kairosRate;
        write(options, report);
      }
    }
    if (options.parts().contains("limits")) {
      ThroughputSections.bindingLimits(options, report);
      write(options, report);
    }
    if (options.parts().contains("scale")) {
      ThroughputSections.scale(options, report);
      write(options, report);
    }
    if (options.parts().contains("load") || options.parts().contains("footprint")) {
      double rate = options.loadRate() > 0 ? options.loadRate() : kairosRate / 2;
      ThroughputSections.worker(options, rate, report);
      write(options, report);
    }
    if (options.parts().contains("creation")) {
      ThroughputSections.creation(options, report);
    }
    report.append(
        String.format(
            Locale.ROOT, "%nWhole run: %.1f min.%n", (System.nanoTime() - started) / 60e9));
    Path markdown = write(options, report);
    System.out.println();
    System.out.println(report);
    System.out.println("Markdown: " + markdown.toAbsolutePath());
    System.exit(0);
  }

  /** Writes the report so far, so that a later part failing loses nothing measured before. */
  private static Path write(ThroughputOptions options, StringBuilder report) throws IOException {
    Files.createDirectories(options.output());
    Path markdown = options.output().resolve("throughput.md");
    Files.writeString(markdown, report.toString(), StandardCharsets.UTF_8);
    return markdown;
  }

  /**
   * The executions/s rows and their chart; returns the median of one worker JVM with its default 10
   * threads (the worker the steady load runs on), else of Kairos in process at 10 threads, else the
   * best Kairos median.
   */
  private static double throughput(ThroughputOptions options, StringBuilder report)
      throws Exception {
    List<Config> configs = new ArrayList<>();
    if (options.baselines()) {
      configs.add(
          new Config("SQL limit: claim 100 + delete, 1 connection", "SQL, 1 conn", Kind.SQL, 1));
      configs.add(
          new Config("SQL limit: claim 100 + delete, 2 connections", "SQL, 2 conn", Kind.SQL, 2));
    }
    for (int t : options.threads()) {
      if (options.baselines()) {
        configs.add(
            new Config(
                "plain db-scheduler, " + t + " threads", "db-scheduler " + t, Kind.PLAIN, t));
        configs.add(
            new Config(
                "plain db-scheduler, Kairos's fetch limits, " + t + " threads",
                "db-scheduler wide " + t,
                Kind.PLAIN_WIDE,
                t));
        configs.add(
            new Config(
                "plain db-scheduler, fetch limits (0.5, 3.0), " + t + " threads",
                "db-scheduler tuned " + t,
                Kind.PLAIN_TUNED,
                t));
        configs.add(
            new Config(
                "plain db-scheduler, fetch limits (0.5, 3.0), " + t + " threads, fresh JVM",
                "db-scheduler tuned cold " + t,
                Kind.PLAIN_TUNED_COLD,
                t));
      }
      configs.add(
          new Config(
              "Kairos JobTask + history, group commit, " + t + " threads",
              "Kairos " + t,
              Kind.KAIROS,
              t));
      // Flow limits are measured at the first backlog only: their cost is a ratio to the run
      // without limits beside them, and a larger backlog would only make the run longer.
      if (options.limits() && options.executions() == options.backlogs().get(0)) {
        configs.add(
            new Config(
                "Kairos as above, a type limit that never binds, " + t + " threads",
                "Kairos type limit " + t,
                Kind.KAIROS_TYPE_LIMIT,
                t));
        configs.add(
            new Config(
                "Kairos as above, a per-key limit that never binds, " + t + " threads",
                "Kairos key limit " + t,
                Kind.KAIROS_KEY_LIMIT,
                t));
        configs.add(
            new Config(
                "Kairos as above, a limit on each job's own key that never binds, "
                    + t
                    + " threads",
                "Kairos own-key limit " + t,
                Kind.KAIROS_OWN_KEY_LIMIT,
                t));
        configs.add(
            new Config(
                "Kairos as above, a rate limit of 1,000,000 starts/s, " + t + " threads",
                "Kairos rate limit " + t,
                Kind.KAIROS_RATE_LIMIT,
                t));
      }
      for (int jvms : options.workerJvms()) {
        configs.add(
            new Config(
                String.format(
                    Locale.ROOT,
                    "Kairos worker jar, %d JVM%s × %d threads",
                    jvms,
                    jvms == 1 ? "" : "s",
                    t),
                "Kairos jar " + jvms + "×" + t,
                Kind.WORKER,
                t,
                jvms));
        if (options.workerWarmUp() > 0) {
          configs.add(
              new Config(
                  String.format(
                      Locale.ROOT,
                      "Kairos worker jar, %d cold JVM%s × %d threads",
                      jvms,
                      jvms == 1 ? "" : "s",
                      t),
                  "Kairos jar cold " + jvms + "×" + t,
                  Kind.WORKER_COLD,
                  t,
                  jvms));
        }
      }
      if (options.peers()) {
        configs.add(
            new Config(
                "JobRunr " + JOBRUNR_VERSION + " OSS, PostgreSQL storage, " + t + " workers",
                "JobRunr " + t,
                Kind.JOBRUNR,
                t));
        configs.add(
            new Config(
                "Quartz " + QUARTZ_VERSION + " clustered JobStoreTX, " + t + " threads",
                "Quartz " + t,
                Kind.QUARTZ,
                t));
      }
    }
    progress(
        "throughput: backlog of %,d due no-op executions, %d configurations, %d round(s)",
        options.executions(), configs.size(), options.rounds());
    List<List<Double>> rates = new ArrayList<>();
    configs.forEach(c -> rates.add(new ArrayList<>()));
    int total = options.rounds() * configs.size();
    int done = 0;
    for (int round = 1; round <= options.rounds(); round++) {
      for (int i = 0; i < configs.size(); i++) {
        Config config = configs.get(i);
        done++;
        progress("[%d/%d] round %d, %s", done, total, round, config.label());
        double rate = run(options, config);
        rates.get(i).add(rate);
        System.out.printf("        %,.0f executions/s%n", rate);
      }
    }
    report.append("## Executions per second from one backlog\n\n");
    report.append(
        String.format(
            Locale.ROOT,
            "A backlog of %,d due no-op executions, drained by one scheduler (or one or two JDBC"
                + " connections for the SQL limit) on a fresh database per run; plain db-scheduler with its lock-and-fetch defaults (0.5, 1.0),"
                + " again with Kairos's (1.0, 2.0) and with (0.5, 3.0), the tuned baseline, both in the"
                + " benchmark's JVM and in a fresh JVM of its own (the worker JVMs' options; it"
                + " writes the backlog, then its scheduler drains it, JIT warm-up timed); Kairos in process as a worker with Kairos's"
                + " defaults runs it (lock-and-fetch 1.0, 2.0 of its threads, claims of its types"
                + " only, priority order, heartbeat 1 s, results handed to the group commit);"
                + " polling 100 ms; JobRunr with its shortest poll"
                + " interval (5 s; a backlog is fetched as workers free up); Quartz acquiring up"
                + " to a thread pool's worth of triggers per lock, misfire threshold 1 h (the whole"
                + " backlog is due at once). Time from scheduler start to an empty backlog. Kairos"
                + " worker jar: that many worker JVMs (%s) with the jar's defaults but"
                + " `db-scheduler.threads`, new each run, started and RUNNING before the backlog"
                + " is written (one transaction) due 2 s ahead, `NOTIFY kairos_due` at its due"
                + " time as the API sends it; warm-up: %s; time from the due time to an"
                + " empty backlog; its same-threads ratio is to plain db-scheduler with as many"
                + " threads as each JVM has.%n%n",
            options.executions(),
            String.join(" ", options.jvmOptions()),
            options.workerWarmUp() > 0
                ? String.format(
                        Locale.ROOT,
                        "a backlog of %,d written and drained the same way, not timed (a new JVM's JIT"
                            + " warm-up takes as long as the timed drain)",
                        options.workerWarmUp())
                    + "; the cold rows have none (their JIT warm-up is timed)"
                : "nothing (`--worker-warm-up=0`: their JIT warm-up is timed)"));
    report.append(table(options, configs, rates)).append('\n');
    report.append(limitRatios(configs, rates));
    List<String> labels = configs.stream().map(Config::shortLabel).toList();
    List<Double> medians = rates.stream().map(Stats::median).toList();
    String chart =
        options.backlogs().size() == 1 || options.executions() == options.backlogs().get(0)
            ? "throughput.png"
            : "throughput-" + options.executions() + ".png";
    Path png = options.output().resolve(chart);
    ThroughputChart.write(
        png,
        String.format(
            Locale.ROOT,
            "No-op executions/s from a backlog of %,d (PostgreSQL, 2 CPUs)",
            options.executions()),
        labels,
        medians);
    report.append("![executions/s per configuration](").append(chart).append(")\n\n");
    progress("chart: %s", png.toAbsolutePath());
    // The load runs on one worker JVM: its own drain rate is the maximum to take half of.
    for (int i = 0; i < configs.size(); i++) {
      Config config = configs.get(i);
      if (config.kind() == Kind.WORKER
          && config.jvms() == 1
          && config.parallelism() == WORKER_THREADS) {
        return medians.get(i);
      }
    }
    double best = Double.NaN;
    for (int i = 0; i < configs.size(); i++) {
      if (configs.get(i).kind() == Kind.KAIROS) {
        if (configs.get(i).parallelism() == WORKER_THREADS) {
          return medians.get(i);
        }
        best = Double.isNaN(best) ? medians.get(i) : Math.max(best, medians.get(i));
      }
    }
    return best;
  }

  /**
   * Each flow-limited configuration's median against Kairos without limits at as many threads, from
   * this run.
   */
  private static String limitRatios(List<Config> configs, List<List<Double>> rates) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < configs.size(); i++) {
      Kind kind = configs.get(i).kind();
      if (!kind.limited()) {
        continue;
      }
      for (int j = 0; j < configs.size(); j++) {
        if (configs.get(j).kind() == Kind.KAIROS
            && configs.get(j).parallelism() == configs.get(i).parallelism()) {
          double limited = Stats.median(rates.get(i));
          double free = Stats.median(rates.get(j));
          // Rounds alternate: each round's limited run against the run without limits beside it.
          List<String> byRound = new ArrayList<>();
          for (int r = 0; r < rates.get(i).size(); r++) {
            byRound.add(
                String.format(Locale.ROOT, "%.2f", rates.get(i).get(r) / rates.get(j).get(r)));
          }
          out.append(
              String.format(
                  Locale.ROOT,
                  "- %s: %,.0f executions/s, %.2f× Kairos without limits (%,.0f); round by"
                      + " round %s%n",
                  configs.get(i).label(),
                  limited,
                  limited / free,
                  free,
                  String.join(" / ", byRound)));
        }
      }
    }
    return out.length() == 0 ? "" : "Flow limits that never bind:\n\n" + out + "\n";
  }

  /**
   * The name of a part's database, with this process's id: two runs on one server (a benchmark
   * beside a colleague's) would otherwise drop each other's database mid-run.
   */
  static String database(String part) {
    return "kairos_bench_" + part + "_" + ProcessHandle.current().pid();
  }

  static void progress(String format, Object... args) {
    System.out.printf(
        "%s %s%n",
        LocalTime.now().truncatedTo(ChronoUnit.SECONDS), String.format(Locale.ROOT, format, args));
  }

  private static String table(
      ThroughputOptions options, List<Config> configs, List<List<Double>> rates) {
    double sqlLimit = 0;
    double plainStock = 0;
    double plainTuned = Double.NaN;
    double plainTunedCold = Double.NaN;
    for (int i = 0; i < configs.size(); i++) {
      if (configs.get(i).kind() == Kind.PLAIN_TUNED_COLD && configs.get(i).parallelism() == 10) {
        plainTunedCold = Stats.median(rates.get(i));
      }
      double median = Stats.median(rates.get(i));
      if (configs.get(i).kind() == Kind.SQL) {
        sqlLimit = Math.max(sqlLimit, median);
      }
      if (configs.get(i).kind() == Kind.PLAIN && configs.get(i).parallelism() == 10) {
        plainStock = median;
      }
      if (configs.get(i).kind() == Kind.PLAIN_TUNED && configs.get(i).parallelism() == 10) {
        plainTuned = median;
      }
    }
    if (plainStock == 0) {
      plainStock =
          configs.stream()
              .filter(c -> c.kind() == Kind.PLAIN)
              .findFirst()
              .map(c -> Stats.median(rates.get(configs.indexOf(c))))
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
            + " (10 threads) | × plain db-scheduler (0.5, 3.0), 10 threads | × the same, fresh JVM"
            + " | × plain db-scheduler, same threads |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < configs.size(); i++) {
      Config config = configs.get(i);
      double median = Stats.median(rates.get(i));
      String sameThreads = "";
      if (config.kind() == Kind.KAIROS
          || config.kind().limited()
          || config.kind() == Kind.WORKER
          || config.kind() == Kind.WORKER_COLD
          || config.kind() == Kind.PLAIN_WIDE
          || config.kind() == Kind.PLAIN_TUNED
          || config.kind() == Kind.PLAIN_TUNED_COLD) {
        for (int j = 0; j < configs.size(); j++) {
          if (configs.get(j).kind() == Kind.PLAIN
              && configs.get(j).parallelism() == config.parallelism()) {
            sameThreads = String.format(Locale.ROOT, "%.2f", median / Stats.median(rates.get(j)));
          }
        }
      }
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,.0f | %s | %s | %s | %s | %s |%n",
              config.label(),
              String.join(
                  " / ",
                  rates.get(i).stream().map(r -> String.format(Locale.ROOT, "%,.0f", r)).toList()),
              median,
              // Blank where the run left that baseline out (--baselines=false).
              sqlLimit == 0 ? "" : String.format(Locale.ROOT, "%.2f", median / sqlLimit),
              config.kind() == Kind.SQL || !(plainStock > 0)
                  ? ""
                  : String.format(Locale.ROOT, "%.2f", median / plainStock),
              config.kind() == Kind.SQL || Double.isNaN(plainTuned)
                  ? ""
                  : String.format(Locale.ROOT, "%.2f", median / plainTuned),
              config.kind() == Kind.SQL || Double.isNaN(plainTunedCold)
                  ? ""
                  : String.format(Locale.ROOT, "%.2f", median / plainTunedCold),
              sameThreads));
    }
    return out.toString();
  }

  private static double run(ThroughputOptions options, Config config) throws Exception {
    if (config.kind() == Kind.WORKER || config.kind() == Kind.WORKER_COLD) {
      return WorkerDrain.drain(
          options,
          config.jvms(),
          config.parallelism(),
          options.executions(),
          config.kind() == Kind.WORKER ? options.workerWarmUp() : 0,
          RUN_LIMIT);
    }
    String database = database("throughput");
    try (Connection c =
            DriverManager.getConnection(options.server(), options.user(), options.password());
        Statement st = c.createStatement()) {
      st.execute("drop database if exists " + database + " with (force)");
      st.execute("create database " + database);
    }
    String url = options.databaseUrl(database);
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(url);
    hikari.setUsername(options.user());
    hikari.setPassword(options.password());
    hikari.setMaximumPoolSize(
        config.kind() == Kind.SQL ? config.parallelism() + 1 : Math.min(config.parallelism(), 24));
    try (HikariDataSource pool = new HikariDataSource(hikari)) {
      if (config.kind() != Kind.JOBRUNR && config.kind() != Kind.QUARTZ) {
        KairosMigrations.migrate(pool);
      }
      return switch (config.kind()) {
        case SQL -> InProcessDrains.sqlLimit(pool, options.executions(), config.parallelism());
        case PLAIN_TUNED_COLD ->
            ColdPlainDrain.drain(options, url, options.executions(), config.parallelism());
        case PLAIN,
            PLAIN_WIDE,
            PLAIN_TUNED,
            KAIROS,
            KAIROS_TYPE_LIMIT,
            KAIROS_KEY_LIMIT,
            KAIROS_OWN_KEY_LIMIT,
            KAIROS_RATE_LIMIT ->
            InProcessDrains.scheduler(
                pool, options.executions(), config.parallelism(), config.kind(), RUN_LIMIT);
        case WORKER, WORKER_COLD ->
            throw new IllegalStateException("worker JVMs have a database of their own");
        case JOBRUNR ->
            JobRunrDrain.drain(pool, options.executions(), config.parallelism(), RUN_LIMIT);
        case QUARTZ ->
            QuartzDrain.drain(
                pool,
                url,
                options.user(),
                options.password(),
                options.executions(),
                config.parallelism(),
                RUN_LIMIT);
      };
    } finally {
      try (Connection c =
              DriverManager.getConnection(options.server(), options.user(), options.password());
          Statement st = c.createStatement()) {
        st.execute("drop database if exists " + database + " with (force)");
      }
    }
  }
}
