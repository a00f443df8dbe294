package io.kairos.bench.throughput;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.bench.cluster.BenchDatabase;
import io.kairos.bench.cluster.Cluster;
import io.kairos.bench.cluster.ClusterConfig;
import io.kairos.bench.cluster.Launcher;
import io.kairos.bench.cluster.SoloWorker;
import io.kairos.bench.creation.CreationRounds;
import io.kairos.bench.footprint.WorkerFootprint;
import io.kairos.bench.limits.BindingLimitClaims;
import io.kairos.bench.load.SteadyLoad;
import io.kairos.bench.measure.Stats;
import io.kairos.bench.report.MachineFacts;
import io.kairos.bench.scale.ClaimAndListCost;
import io.kairos.bench.scale.PendingJobs;
import io.kairos.core.Kairos;
import io.kairos.migration.KairosMigrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** The report sections after the executions/s table, each measured on a database of its own. */
final class ThroughputSections {

  private static final int WORKER_WARM_UP = 5_000;

  private ThroughputSections() {}

  static String machine(ThroughputOptions options) throws Exception {
    try (Connection c =
        DriverManager.getConnection(options.server(), options.user(), options.password())) {
      MachineFacts facts = MachineFacts.collect(c);
      return String.format(
          Locale.ROOT,
          "%s UTC; %d CPUs, %s; %s; PostgreSQL %s (on the same machine); load average %.2f at"
              + " start. The machine is shared with other builds and noisy: compare figures"
              + " within one run.%n",
          facts
              .date()
              .truncatedTo(ChronoUnit.MINUTES)
              .toString()
              .replace('T', ' ')
              .replace("Z", ""),
          facts.cpus(),
          facts.os(),
          facts.java(),
          facts.postgres(),
          facts.loadAverage());
    }
  }

  /** Claim and list costs at each number of pending jobs, on one growing database. */
  /** What a claim costs under a flow limit that binds, with a backlog waiting on it. */
  static void bindingLimits(ThroughputOptions options, StringBuilder report) throws Exception {
    ThroughputBench.progress(
        "limits: claims under a binding limit at %s due jobs on a full key, %d claims each",
        options.limitBacklogs(), options.repetitions());
    List<BindingLimitClaims.Cost> costs = new ArrayList<>();
    try (BenchDatabase database =
            BenchDatabase.create(
                options.server(),
                options.user(),
                options.password(),
                "kairos_bench_limits_" + ProcessHandle.current().pid());
        HikariDataSource pool = pool(options, database.url(), 4);
        Kairos kairos = Kairos.builder(pool, new DataSourceTransactionManager(pool)).build()) {
      KairosMigrations.migrate(pool);
      BindingLimitClaims claims = new BindingLimitClaims(pool, kairos);
      for (int backlog : options.limitBacklogs()) {
        ThroughputBench.progress("limits: %,d due jobs on a full key", backlog);
        costs.addAll(claims.measure(backlog, options.repetitions()));
      }
    }
    report.append("## Claims under a flow limit that binds\n\n");
    report.append(
        String.format(
            Locale.ROOT,
            "One type (`noop`) limited to 2 running per key (or 2 for the whole type), both"
                + " running, a backlog of due jobs of that key before %d due jobs of other keys;"
                + " per backlog and claim, %d timed lock-and-fetch polls after 5 untimed, as a"
                + " worker with 10 threads polls (asking for %d), what each claimed handed back"
                + " between polls, untimed. \"No limit\" claims the same backlog without limits.%n%n",
            10,
            options.repetitions(),
            10));
    report.append(BindingLimitClaims.table(costs)).append('\n');
  }

  static void scale(ThroughputOptions options, StringBuilder report) throws Exception {
    ThroughputBench.progress(
        "scale: claim and list costs at %s pending jobs, %d repetitions each",
        options.pending(), options.repetitions());
    List<ClaimAndListCost.Cost> costs = new ArrayList<>();
    try (BenchDatabase database =
            BenchDatabase.create(
                options.server(),
                options.user(),
                options.password(),
                "kairos_bench_scale_" + ProcessHandle.current().pid());
        HikariDataSource pool = pool(options, database.url(), 4);
        Kairos kairos = Kairos.builder(pool, new DataSourceTransactionManager(pool)).build()) {
      KairosMigrations.migrate(pool);
      ThroughputBench.progress("scale: starting an API JVM for the list page over HTTP");
      try (Cluster api =
          Cluster.start(
              ClusterConfig.apiOnly("scale"),
              apiLauncher(options),
              database,
              options.output().resolve("api-logs-scale"),
              0)) {
        ClaimAndListCost cost = new ClaimAndListCost(kairos, api);
        for (int size : options.pending()) {
          ThroughputBench.progress("scale: %,d pending jobs", size);
          costs.add(cost.measure(size, options.repetitions()));
        }
      }
    }
    report.append("## Claim and list cost as pending jobs pile up\n\n");
    report.append(
        String.format(
            Locale.ROOT,
            "Pending noop jobs due in a day, written as the core writes them (one created through"
                + " `JobStore.create`, copied by `insert … select … generate_series`), then"
                + " `vacuum analyze`. Per size, %d timed calls after 5 untimed, one at a time,"
                + " in-process over JDBC: a lock-and-fetch poll as a default worker makes it"
                + " (db-scheduler's `JdbcTaskRepository.lockAndGetDue`, priority order, limit 10 ="
                + " 10 threads × 1.0) with nothing due and with 100 jobs due (the claimed ones"
                + " handed back between calls, untimed); and `JobStore.list` with state"
                + " SCHEDULED and 101 rows, the call behind `GET"
                + " /api/v1/jobs?state=SCHEDULED&limit=100` (in-process: no HTTP, no JSON), and"
                + " that request over HTTP to an API JVM (%s) on the same database, the whole JSON"
                + " page read; one check of the stale-job watchdog with a worker's defaults (run every"
                + " 30 s by one worker; nothing is stale). The goal is flat.%n%n",
            options.repetitions(),
            String.join(" ", options.jvmOptions())));
    report.append(
        "| pending jobs | poll, nothing due: p50 / p99 ms | poll, 100 due (claims 10): p50 / p99"
            + " ms | list SCHEDULED, 100: p50 / p99 ms | `GET /api/v1/jobs?state=SCHEDULED&limit=100`:"
            + " p50 / p99 ms | watchdog check: p50 / p99 ms | writing the pending jobs |\n");
    report.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ClaimAndListCost.Cost c : costs) {
      report.append(
          String.format(
              Locale.ROOT,
              "| %,d | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.1f s"
                  + " |%n",
              c.pending(),
              c.emptyPollP50(),
              c.emptyPollP99(),
              c.duePollP50(),
              c.duePollP99(),
              c.listP50(),
              c.listP99(),
              c.apiListP50(),
              c.apiListP99(),
              c.watchdogP50(),
              c.watchdogP99(),
              c.insertTime().toMillis() / 1e3));
    }
    report.append('\n');
  }

  /** One worker JVM: firing delay under steady load, then its memory after many executions. */
  static void worker(ThroughputOptions options, double rate, StringBuilder report)
      throws Exception {
    Launcher launcher = launcher(options);
    Properties credentials = BenchDatabase.credentials(options.user(), options.password());
    try (BenchDatabase database =
            BenchDatabase.create(
                options.server(),
                options.user(),
                options.password(),
                "kairos_bench_worker_" + ProcessHandle.current().pid());
        HikariDataSource pool = pool(options, database.url(), 8);
        Kairos kairos = Kairos.builder(pool, new DataSourceTransactionManager(pool)).build()) {
      KairosMigrations.migrate(pool);
      ThroughputBench.progress("worker: starting a worker JVM (%s)", options.jvmOptions());
      try (SoloWorker worker =
          SoloWorker.start(
              launcher, database, "bench-w1", List.of(), options.output().resolve("worker-logs"))) {
        ThroughputBench.progress(
            "worker: %s up; warming up with %,d due jobs", worker, WORKER_WARM_UP);
        new PendingJobs(kairos).insert("warm-", 0, WORKER_WARM_UP, Instant.now(), n -> {});
        DrainProgress.awaitDrained(
            WORKER_WARM_UP,
            System.nanoTime(),
            Duration.ofMinutes(3),
            () -> WORKER_WARM_UP - kairos.runs().countFirstAttempts("warm-"));
        int before = WORKER_WARM_UP;
        if (options.parts().contains("load")) {
          if (Double.isNaN(rate) || rate <= 0) {
            throw new IllegalArgumentException(
                "no Kairos rate measured: give --load-rate or run the throughput part");
          }
          ThroughputBench.progress(
              "load: %.0f jobs/s for %d s (half the drain rate measured above)",
              rate, options.loadSeconds());
          SteadyLoad.Result load =
              SteadyLoad.run(
                  pool,
                  database.url(),
                  credentials,
                  rate,
                  Duration.ofSeconds(options.loadSeconds()));
          before += load.jobs();
          appendLoad(report, load);
        }
        if (options.parts().contains("footprint")) {
          ThroughputBench.progress(
              "footprint: %,d due jobs for the worker", options.footprintExecutions());
          WorkerFootprint.Footprint footprint =
              WorkerFootprint.measure(
                  kairos, worker, options.footprintExecutions(), before, Duration.ofMinutes(60));
          appendFootprint(report, options, footprint);
        }
      }
    }
  }

  /** Jobs created per second over REST v1 by one API JVM: one per request against batches. */
  static void creation(ThroughputOptions options, StringBuilder report) throws Exception {
    CreationRounds.Sizes sizes = new CreationRounds.Sizes(options.creationJobs(), options.rounds());
    ThroughputBench.progress(
        "creation: %,d jobs per single-create round, %,d per batch round, %d round(s)",
        sizes.singleJobs(), sizes.batchJobs(), sizes.rounds());
    Launcher launcher = apiLauncher(options);
    List<CreationRounds.Measured> measured;
    // The process id keeps two runs on one server (or a throughput run beside) apart.
    try (BenchDatabase database =
        BenchDatabase.create(
            options.server(),
            options.user(),
            options.password(),
            "kairos_bench_creation_" + ProcessHandle.current().pid())) {
      measured =
          CreationRounds.run(
              launcher,
              database,
              options.output().resolve("api-logs"),
              sizes,
              ThroughputBench::progress);
    }
    report.append("## Jobs created per second over REST v1\n\n");
    report.append(
        String.format(
            Locale.ROOT,
            "One API JVM from its jar (%s), no workers (the `noop` jobs, due now, stay pending;"
                + " the API still sends its wake-ups), on a fresh database. Single create: `POST"
                + " /api/v1/jobs`, one job per request, %d concurrent clients, %,d jobs a round."
                + " Batches: `POST /api/v1/jobs/batch`, %d jobs per request, %s concurrent"
                + " clients, %,d jobs a round. %,d jobs of each kind first to warm up, not"
                + " counted; then the configurations in turn, round after round, each timed from"
                + " the first request to the last answer. The key is the operator's, so no quota"
                + " applies. Single create once more from 1 client, half the jobs: its request"
                + " time is the server's plus a loopback round trip. Request time: from sending"
                + " to the whole answer, at the client; mean server time: the API's own"
                + " `http.server.requests` timer of `POST /api/v1/jobs` over the round.%n%n",
            String.join(" ", options.jvmOptions()),
            CreationRounds.SINGLE_CLIENTS,
            sizes.singleJobs(),
            CreationRounds.BATCH_SIZE,
            String.join(
                " and ", CreationRounds.BATCH_CLIENTS.stream().map(String::valueOf).toList()),
            sizes.batchJobs(),
            sizes.warmUpJobs()));
    report.append(CreationRounds.table(measured)).append('\n');
  }

  private static void appendLoad(StringBuilder report, SteadyLoad.Result load) {
    List<Double> delays = load.delaysMillis();
    report.append("## Firing delay under a steady load\n\n");
    report.append(
        String.format(
            Locale.ROOT,
            "One worker JVM with Kairos's defaults (10 threads, lock-and-fetch, polling 1 s,"
                + " wake-ups on), at half the rate one such worker JVM drained above"
                + " (unless --load-rate was given). The benchmark plays the API: %,d one-time noop jobs due %.0f per"
                + " second for %d s, created through the core's `JobSubmitter` (those due within 10 ms"
                + " in one transaction, 4 threads) %d s before they are due, with `NOTIFY kairos_due` at"
                + " its due time (coalesced per 5 ms, as the API's sender does). Delay ="
                + " `started_at − scheduled_for` of each first attempt in the run history (`RunHistoryStore.firstAttempts`). %d"
                + " job(s) were created after their due time.%n%n",
            load.jobs(),
            load.rate(),
            load.duration().toSeconds(),
            SteadyLoad.LEAD.toSeconds(),
            load.createdLate()));
    report.append("| jobs | rate | p50 ms | p99 ms | max ms |\n|---:|---:|---:|---:|---:|\n");
    report.append(
        String.format(
            Locale.ROOT,
            "| %,d | %.0f/s | %.1f | %.1f | %.1f |%n%n",
            delays.size(),
            load.rate(),
            Stats.percentile(delays, 50),
            Stats.percentile(delays, 99),
            Stats.percentile(delays, 100)));
  }

  private static void appendFootprint(
      StringBuilder report, ThroughputOptions options, WorkerFootprint.Footprint f) {
    report.append("## Worker memory after many executions\n\n");
    report.append(
        String.format(
            Locale.ROOT,
            "The same worker JVM (%s) after %,d more executions (a backlog of due noop jobs,"
                + " drained in %.0f s, %.0f/s), %,d in all. Peak RSS = `VmHWM` of"
                + " `/proc/<pid>/status`; live heap = `used` of `jcmd <pid> GC.heap_info` after"
                + " `jcmd <pid> GC.run`.%n%n",
            String.join(" ", options.jvmOptions()),
            f.executions(),
            f.drainTime().toMillis() / 1e3,
            f.executions() / (f.drainTime().toMillis() / 1e3),
            f.executions() + f.executionsBefore()));
    report.append(
        "| executions | peak RSS (VmHWM) | RSS at the end | live heap after full GC |\n"
            + "|---:|---:|---:|---:|\n");
    report.append(
        String.format(
            Locale.ROOT,
            "| %,d | %.0f MiB | %.0f MiB | %.1f MiB |%n%n",
            f.executions() + f.executionsBefore(),
            f.peakRssKib() / 1024.0,
            f.rssKib() / 1024.0,
            f.liveHeapKib() / 1024.0));
    report.append("```text\n").append(f.heapInfo()).append("\n```\n\n");
  }

  /** Starts worker JVMs from the worker jar with the given JVM options; no API JVM. */
  static Launcher launcher(ThroughputOptions options) {
    // No API JVM is started: the benchmark writes the jobs itself.
    return launcher(options, options.workerJar(), Duration.ofMinutes(3));
  }

  /** For an API JVM alone: no worker JVM is started, so the worker jar is not needed. */
  static Launcher apiLauncher(ThroughputOptions options) {
    return launcher(options, options.apiJar(), Duration.ofMinutes(2));
  }

  /** A launcher whose worker and API jar slots both hold {@code jar}: only that kind is started. */
  private static Launcher launcher(ThroughputOptions options, Path jar, Duration startLimit) {
    return new Launcher(
        Launcher.currentJava(),
        options.jvmOptions(),
        jar,
        jar,
        options.user(),
        options.password(),
        startLimit);
  }

  static HikariDataSource pool(ThroughputOptions options, String url, int size) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(url);
    hikari.setUsername(options.user());
    hikari.setPassword(options.password());
    hikari.setMaximumPoolSize(size);
    return new HikariDataSource(hikari);
  }
}
