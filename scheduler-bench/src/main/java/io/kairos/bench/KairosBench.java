package io.kairos.bench;

import io.kairos.bench.cluster.BenchDatabase;
import io.kairos.bench.cluster.Cluster;
import io.kairos.bench.cluster.ClusterConfig;
import io.kairos.bench.cluster.ClusterDisturbed;
import io.kairos.bench.cluster.Launcher;
import io.kairos.bench.cluster.Leftovers;
import io.kairos.bench.measure.Failover;
import io.kairos.bench.measure.FailoverResult;
import io.kairos.bench.measure.FiringDelay;
import io.kairos.bench.measure.FiringSeries;
import io.kairos.bench.measure.Stats;
import io.kairos.bench.measure.WakeUpRecorder;
import io.kairos.bench.report.ConfigurationResult;
import io.kairos.bench.report.MachineFacts;
import io.kairos.bench.report.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The Kairos benchmark: for each configuration (Kairos with wake-ups, Kairos without, stock
 * db-scheduler defaults) a fresh database, two worker JVMs and one API JVM from the built jars;
 * firing delays of idle one-time jobs for now and for two seconds ahead; and the time from SIGKILL
 * of a worker to the re-run of its job elsewhere. Prints the figures side by side with ratios and
 * writes them as Markdown. Progress goes to standard error, the report to standard output.
 */
public final class KairosBench {

  private static final int WORKERS = 2;
  private static final int ATTEMPTS_PER_CONFIGURATION = 3;

  private final BenchOptions options;
  private final Launcher launcher;
  private final long runId = ProcessHandle.current().pid();

  private KairosBench(BenchOptions options) {
    this.options = options;
    this.launcher =
        new Launcher(
            Launcher.currentJava(),
            options.jvmOptions(),
            options.workerJar(),
            options.apiJar(),
            options.user(),
            options.password(),
            options.startupTimeout());
  }

  public static void main(String[] args) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(BenchOptions.USAGE);
      return;
    }
    int exitCode;
    try {
      exitCode = new KairosBench(BenchOptions.parse(args)).run();
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(BenchOptions.USAGE);
      exitCode = 2;
    } catch (Exception e) {
      if (Leftovers.closing()) {
        // Stopped from outside (Ctrl-C, SIGTERM): the failure is only the processes going away.
        System.err.println("bench: stopped; stopping the processes and dropping the databases");
        return;
      }
      System.err.println("bench: failed");
      e.printStackTrace();
      exitCode = 1;
    }
    // The shutdown hook (Leftovers) stops whatever a failure left running.
    System.exit(exitCode);
  }

  private int run() throws SQLException, IOException {
    long started = System.nanoTime();
    MachineFacts facts;
    try (Connection server = DriverManager.getConnection(options.jdbcUrl(), credentials())) {
      facts = MachineFacts.collect(server);
    }
    List<ClusterConfig> configs =
        ClusterConfig.all().stream()
            .filter(c -> options.configurations().contains(c.key()))
            .toList();
    if (configs.isEmpty()) {
      throw new IllegalArgumentException("no configuration selected: " + options.configurations());
    }
    List<ConfigurationResult> results = new ArrayList<>();
    for (ClusterConfig config : configs) {
      results.add(measureDespiteDisturbance(config));
    }
    Report report =
        new Report(
            facts,
            method(results),
            results,
            MachineFacts.loadAverageNow(),
            Duration.ofNanos(System.nanoTime() - started),
            "+" + options.ahead().toSeconds() + " s");
    System.out.print(report.text());
    Files.createDirectories(options.outputDir());
    Path markdown = options.outputDir().resolve("report.md");
    Files.writeString(markdown, report.markdown(), StandardCharsets.UTF_8);
    System.out.println();
    System.out.println("Markdown: " + markdown.toAbsolutePath());
    return 0;
  }

  /**
   * On a shared machine another program may stop one of the benchmark's JVMs; the configuration is
   * then measured again from scratch, a bounded number of times.
   */
  private ConfigurationResult measureDespiteDisturbance(ClusterConfig config) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return measure(config).afterDisturbances(attempt - 1);
      } catch (ClusterDisturbed e) {
        if (attempt == ATTEMPTS_PER_CONFIGURATION) {
          throw e;
        }
        progress(config, "disturbed, measuring this configuration again: %s", e.getMessage());
      }
    }
  }

  private ConfigurationResult measure(ClusterConfig config) throws SQLException {
    String key = config.key().toLowerCase(Locale.ROOT);
    String databaseName = "kairos_bench_" + key + "_" + runId;
    Path logs = options.outputDir().resolve(key);
    progress(config, "starting %d workers and the API on database %s", WORKERS, databaseName);
    long launched = System.nanoTime();
    try (BenchDatabase database =
            BenchDatabase.create(
                options.jdbcUrl(), options.user(), options.password(), databaseName);
        WakeUpRecorder wakeUps = new WakeUpRecorder(database.url(), credentials());
        Cluster cluster = Cluster.start(config, launcher, database, logs, WORKERS)) {
      Duration startup = Duration.ofNanos(System.nanoTime() - launched);
      progress(config, "up after %d s; logs in %s", startup.toSeconds(), logs);
      FiringDelay firing = new FiringDelay(cluster, database, wakeUps, logs);
      Stats warmUp =
          options.warmUpJobs() == 0
              ? Stats.of(List.of(), 0)
              : firing
                  .measure("warm-up", options.warmUpJobs(), Duration.ZERO, options.warmUpSpacing())
                  .delay();
      progress(config, "warm-up (not counted): %s", warmUp);
      FiringSeries now =
          firing.measure("now", options.nowSamples(), Duration.ZERO, options.spacing());
      progress(config, "now: %s", now.delay());
      FiringSeries ahead =
          firing.measure("ahead", options.aheadSamples(), options.ahead(), options.spacing());
      progress(config, "+%d s: %s", options.ahead().toSeconds(), ahead.delay());
      // A dead-after window longer than the bound cannot be measured; one round shows that.
      int rounds =
          config.deadAfter().compareTo(options.failoverBound()) > 0
              ? options.stockFailoverRounds()
              : options.failoverRounds();
      progress(
          config,
          "failover: %d round(s), each bounded at %d s",
          rounds,
          options.failoverBound().toSeconds());
      FailoverResult failover =
          new Failover(
                  cluster,
                  database,
                  options.failoverBound(),
                  options.failoverJobDuration(),
                  line -> progress(config, "%s", line))
              .measure(rounds);
      return new ConfigurationResult(config, startup, warmUp, now, ahead, failover, 0);
    } finally {
      progress(config, "processes stopped, database %s dropped", databaseName);
    }
  }

  private List<String> method(List<ConfigurationResult> results) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "Each configuration: a fresh database, %d worker JVMs and 1 API JVM (%s) from the built"
                + " jars; %d warm-up jobs first (%d ms apart), not counted.",
            WORKERS,
            options.jvmOptions().isEmpty()
                ? "no JVM options"
                : String.join(" ", options.jvmOptions()),
            options.warmUpJobs(),
            options.warmUpSpacing().toMillis()));
    lines.add(
        String.format(
            "Firing delay = started_at − scheduled_for of each job's first attempt in its history;"
                + " noop jobs posted one at a time, %d ms apart, so the cluster is idle.",
            options.spacing().toMillis()));
    lines.add(
        String.format(
            "Failover = start of the recovered attempt − database clock at the SIGKILL of the worker"
                + " running a noop job of %s; the killed worker is replaced between rounds.",
            options.failoverJobDuration()));
    lines.add(
        "Start-up: "
            + results.stream()
                .map(r -> r.config().key() + " " + r.startup().toSeconds() + " s")
                .collect(Collectors.joining(", "))
            + ". Warm-up delays (cold JVMs, not counted), p50 / max: "
            + results.stream()
                .map(
                    r ->
                        String.format(
                            Locale.ROOT,
                            "%s %.0f / %.0f ms",
                            r.config().key(),
                            r.warmUp().p50(),
                            r.warmUp().max()))
                .collect(Collectors.joining(", "))
            + ".");
    results.stream()
        .filter(r -> r.disturbances() > 0)
        .forEach(
            r ->
                lines.add(
                    String.format(
                        "%s was measured again from scratch %d time(s): another program on this"
                            + " machine stopped one of its JVMs.",
                        r.config().key(), r.disturbances())));
    return lines;
  }

  private Properties credentials() {
    Properties p = new Properties();
    p.setProperty("user", options.user());
    p.setProperty("password", options.password());
    return p;
  }

  private static void progress(ClusterConfig config, String format, Object... args) {
    System.err.printf(
        "%s [%s] %s%n",
        LocalTime.now().truncatedTo(ChronoUnit.SECONDS),
        config.key(),
        String.format(Locale.ROOT, format, args));
  }
}
