package io.kairos.bench.throughput;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.bench.cluster.BenchDatabase;
import io.kairos.bench.cluster.Cluster;
import io.kairos.bench.cluster.ClusterConfig;
import io.kairos.bench.cluster.Launcher;
import io.kairos.bench.cluster.SoloWorker;
import io.kairos.bench.creation.CreationRounds;
import io.kairos.bench.creation.DurableCommit;
import io.kairos.bench.footprint.WorkerFootprint;
import io.kairos.bench.limits.BindingLimitClaims;
import io.kairos.bench.load.SteadyLoad;
import io.kairos.bench.measure.Stats;
import io.kairos.bench.report.MachineFacts;
import io.kairos.bench.scale.CostAtScale;
import io.kairos.bench.scale.PendingJobs;
import io.kairos.bench.scale.ScaleTables;
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
                ThroughputBench.database("limits"));
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

  /** Everyday calls' costs at each number of pending jobs, then of history rows. */
  static void scale(ThroughputOptions options, StringBuilder report) throws Exception {
    ThroughputBench.progress(
        "scale: costs at %s pending jobs, then with %s history rows, %d repetitions each",
        options.pending(), options.history(), options.repetitions());
    List<CostAtScale.Phase> phases = new ArrayList<>();
    // The process id keeps two runs on one server apart: this one grows to gigabytes.
    try (BenchDatabase database =
            BenchDatabase.create(
                options.server(),
                options.user(),
                options.password(),
                ThroughputBench.database("scale"));
        HikariDataSource pool = pool(options, database.url(), 4);
        Kairos kairos = Kairos.builder(pool, new DataSourceTransactionManager(pool)).build()) {
      KairosMigrations.migrate(pool);
      ThroughputBench.progress("scale: starting an API JVM for the calls over HTTP");
      try (Cluster api =
          Cluster.start(
              ClusterConfig.apiOnly("scale"),
              apiLauncher(options),
              database,
              options.output().resolve("api-logs-scale"),
              0)) {
        CostAtScale cost = new CostAtScale(kairos, api);
        for (int size : options.pending()) {
          ThroughputBench.progress("scale: %,d pending jobs", size);
          phases.add(cost.pending(size, options.repetitions()));
        }
        for (long rows : options.history()) {
          ThroughputBench.progress("scale: %,d history rows", rows);
          phases.add(cost.history(rows, options.repetitions()));
        }
      }
    }
    report.append("## Cost of everyday calls as pending jobs and history pile up\n\n");
    report.append(
        String.format(
            Locale.ROOT,
            "Pending noop jobs due in a day, written as the core writes them (one created through"
                + " `JobStore.create`, copied by `insert … select … generate_series`, 1M per"
                + " statement), then `vacuum analyze`; then, with the most pending jobs, history"
                + " (`kairos_job_run`) written the same way: %d attempts per job, spread over the"
                + " last %d days' partitions. Per size, %d timed calls after 5 untimed, one at a"
                + " time: a lock-and-fetch poll as a default worker makes it (db-scheduler's"
                + " `JdbcTaskRepository.lockAndGetDue`, priority order, limit 10) with nothing due"
                + " and with 100 due (the claimed handed back between calls, untimed);"
                + " `JobStore.list` (the call behind the list page, without HTTP); over HTTP to"
                + " an API JVM (%s) on the same database, 200 untimed rounds first, each answer"
                + " checked: the list page, first and from the middle, a random job's read (among"
                + " those with history once there is history), its newest runs, a create; a check"
                + " of the stale-job watchdog with a worker's defaults (every 30 s on one worker),"
                + " and db-scheduler's dead-execution query (`getDeadExecutions`, heartbeats older"
                + " than 20 min; every worker, every 5 min). The goal is flat; a largest ratio"
                + " above 2 is in bold.%n%n",
            CostAtScale.RUNS_PER_JOB,
            30,
            options.repetitions(),
            String.join(" ", options.jvmOptions())));
    report.append(ScaleTables.costs(phases)).append('\n');
    report.append(ScaleTables.sizes(phases)).append('\n');
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
                ThroughputBench.database("worker"));
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
          Duration loadTime = Duration.ofSeconds(options.loadSeconds());
          ThroughputBench.progress(
              "load: %.0f jobs/s for %d s (an idle cluster)",
              SteadyLoad.IDLE_RATE, options.loadSeconds());
          SteadyLoad.Result idle =
              SteadyLoad.run(
                  pool, database.url(), credentials, "idle-", SteadyLoad.IDLE_RATE, loadTime);
          before += idle.jobs();
          ThroughputBench.progress(
              "load: %.0f jobs/s for %d s (half the drain rate measured above)",
              rate, options.loadSeconds());
          SteadyLoad.Result load =
              SteadyLoad.run(pool, database.url(), credentials, "load-", rate, loadTime);
          before += load.jobs();
          appendLoad(report, idle, load);
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
    DurableCommit.Cost commit;
    try (BenchDatabase database =
        BenchDatabase.create(
            options.server(),
            options.user(),
            options.password(),
            ThroughputBench.database("creation"))) {
      commit = DurableCommit.measure(database.connection(), 500);
      ThroughputBench.progress(
          "creation: a durable one-row commit takes %.2f ms (p50), %.2f ms (p99)",
          commit.p50Millis(), commit.p99Millis());
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
    report.append(
        String.format(
            Locale.ROOT,
            "The floor under a single create: a one-row insert committed by itself from one"
                + " connection (PostgreSQL answers once its log is flushed to disk), %d times"
                + " before the rounds: p50 %.2f ms, p99 %.2f ms.%n%n",
            commit.commits(),
            commit.p50Millis(),
            commit.p99Millis()));
  }

  private static void appendLoad(
      StringBuilder report, SteadyLoad.Result idle, SteadyLoad.Result load) {
    report.append("## Firing delay, idle and under a steady load\n\n");
    report.append(
        String.format(
            Locale.ROOT,
            "One worker JVM with Kairos's defaults (10 threads, lock-and-fetch, polling 1 s,"
                + " wake-ups on), first at %.0f jobs/s (an idle cluster), then at half the rate"
                + " one such worker JVM drained above (unless --load-rate was given), %d s each."
                + " The benchmark plays the API: one-time noop jobs due at a steady rate, created"
                + " through the core's `JobSubmitter` (those due within 10 ms in one transaction,"
                + " 4 threads) %d s before they are due, with `NOTIFY kairos_due` at its due time"
                + " (coalesced per 5 ms, as the API's sender does). Delay = `started_at −"
                + " scheduled_for` of each first attempt in the run history"
                + " (`RunHistoryStore.firstAttempts`). %d job(s) were created after their due"
                + " time.%n%n",
            idle.rate(),
            load.duration().toSeconds(),
            SteadyLoad.LEAD.toSeconds(),
            idle.createdLate() + load.createdLate()));
    report.append(
        "| load | jobs | rate | p50 ms | p99 ms | max ms | p99 target |\n"
            + "|---|---:|---:|---:|---:|---:|---:|\n");
    appendLoadRow(report, "idle", idle, 20);
    appendLoadRow(report, "half the drain rate", load, 50);
    report.append('\n');
  }

  private static void appendLoadRow(
      StringBuilder report, String label, SteadyLoad.Result load, int targetMillis) {
    List<Double> delays = load.delaysMillis();
    report.append(
        String.format(
            Locale.ROOT,
            "| %s | %,d | %.0f/s | %.1f | %.1f | %.1f | ≤ %d ms |%n",
            label,
            delays.size(),
            load.rate(),
            Stats.percentile(delays, 50),
            Stats.percentile(delays, 99),
            Stats.percentile(delays, 100),
            targetMillis));
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
