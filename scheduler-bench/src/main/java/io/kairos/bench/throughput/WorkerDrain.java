package io.kairos.bench.throughput;

import com.zaxxer.hikari.HikariDataSource;
import io.kairos.bench.cluster.Await;
import io.kairos.bench.cluster.BenchDatabase;
import io.kairos.bench.cluster.SoloWorker;
import io.kairos.bench.load.NotifyAtDue;
import io.kairos.bench.scale.PendingJobs;
import io.kairos.core.Kairos;
import io.kairos.migration.KairosMigrations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Kairos drained by the stock worker jar: {@code jvms} worker JVMs ({@link SoloWorker}: the jar's
 * own defaults but {@code --db-scheduler.threads}) on a fresh database, draining a backlog of due
 * one-time noop jobs, as the in-process Kairos row does with its {@code JobTask}.
 *
 * <p>The workers are started first and are registered RUNNING before any job exists, so JVM and
 * Spring start-up are not timed. The backlog is then written in one transaction (one job created
 * through {@code JobStore.create}, copied by {@code BenchJobStore.writeCopies}: {@link
 * PendingJobs}), with the default misfire grace as the in-process row's jobs, all due {@link #LEAD}
 * ahead: nothing of it is visible before the commit and nothing is due before that time, so no
 * worker can start on it early, whatever it polls. The clock starts at the due time (at the commit,
 * were the write to take longer than the lead), when {@code NOTIFY kairos_due} is also sent, as the
 * API's {@code JobSubmitter} has it sent for a job due later: the workers look at once, as the
 * in-process scheduler does when it starts, rather than at their next poll. It stops when {@code
 * scheduled_tasks} is empty, and the run history must then hold exactly one first attempt per job.
 * Before that, unless {@code --worker-warm-up=0}, the workers drain a smaller backlog the same way,
 * not timed: a worker in production runs warm, and the in-process rows run in a JVM warmed by the
 * rounds before them, whereas a 20,000 backlog drains in a few seconds, no longer than the JIT
 * compilers of a new JVM take to reach the hot paths. Pausing running workers (SIGSTOP) while a
 * backlog due now is written was the other way: it would stall their heartbeats and leave a JVM
 * stopped should the benchmark fail in between.
 */
final class WorkerDrain {

  /** How far ahead the backlog is due: longer than writing it in one transaction takes. */
  private static final Duration LEAD = Duration.ofSeconds(2);

  private static final String PREFIX = "job-";

  private static final String WARM_UP_PREFIX = "warm-";

  private WorkerDrain() {}

  /** Executions per second from the backlog's due time until {@code scheduled_tasks} is empty. */
  static double drain(
      ThroughputOptions options, int jvms, int threads, int executions, int warmUp, Duration limit)
      throws Exception {
    List<SoloWorker> workers = new ArrayList<>();
    try (BenchDatabase database =
            BenchDatabase.create(
                options.server(),
                options.user(),
                options.password(),
                "kairos_bench_throughput_" + ProcessHandle.current().pid());
        HikariDataSource pool = ThroughputSections.pool(options, database.url(), 4);
        Kairos kairos = Kairos.builder(pool, new DataSourceTransactionManager(pool)).build();
        NotifyAtDue wakeUps =
            new NotifyAtDue(
                database.url(), BenchDatabase.credentials(options.user(), options.password()))) {
      KairosMigrations.migrate(pool);
      JdbcTemplate jdbc = new JdbcTemplate(pool);
      try {
        ThroughputBench.progress("starting %d worker JVM(s), %d threads each", jvms, threads);
        for (int i = 1; i <= jvms; i++) {
          workers.add(
              SoloWorker.start(
                  ThroughputSections.launcher(options),
                  database,
                  "drain-w" + i,
                  List.of("--db-scheduler.threads=" + threads),
                  options.output().resolve("worker-logs")));
        }
        if (InProcessDrains.unfinished(jdbc) != 0) {
          throw new IllegalStateException(
              "the workers scheduled executions of their own: an empty scheduled_tasks would not"
                  + " mean a drained backlog");
        }
        PendingJobs backlogs = new PendingJobs(kairos);
        if (warmUp > 0) {
          ThroughputBench.progress(
              "%s RUNNING; warming up on %,d executions (not timed)", workers, warmUp);
          if (drainBacklog(backlogs, wakeUps, workers, jdbc, WARM_UP_PREFIX, warmUp, limit)
                  .remaining()
              != 0) {
            throw new IllegalStateException("the warm-up backlog was not drained within " + limit);
          }
          InProcessDrains.checkHistory(kairos.runs(), WARM_UP_PREFIX, warmUp);
          backlogs.vacuumAnalyze();
        }
        ThroughputBench.progress(
            "%s RUNNING; writing the backlog, due in %d s", workers, LEAD.toSeconds());
        Drained drained = drainBacklog(backlogs, wakeUps, workers, jdbc, PREFIX, executions, limit);
        InProcessDrains.checkHistory(kairos.runs(), PREFIX, executions - drained.remaining());
        ThroughputBench.progress(
            "first attempts per worker: %s", kairos.runs().firstAttemptsByNode(PREFIX));
        return (executions - drained.remaining()) / drained.seconds();
      } finally {
        workers.forEach(SoloWorker::close);
      }
    }
  }

  private record Drained(long remaining, double seconds) {}

  /**
   * Writes {@code executions} jobs under {@code prefix} in one transaction, due {@link #LEAD}
   * ahead, sends {@code NOTIFY kairos_due} at their due time and waits until {@code
   * scheduled_tasks} is empty or {@code limit} has passed since the due time.
   */
  private static Drained drainBacklog(
      PendingJobs backlogs,
      NotifyAtDue wakeUps,
      List<SoloWorker> workers,
      JdbcTemplate jdbc,
      String prefix,
      int executions,
      Duration limit)
      throws Exception {
    Instant due = Instant.now().plus(LEAD);
    backlogs.insert(prefix, 0, executions, due, n -> {});
    long committed = System.nanoTime();
    wakeUps.scheduled(due);
    long start = committed + Math.max(0, Duration.between(Instant.now(), due).toNanos());
    Await.pause(Duration.ofNanos(Math.max(0, start - System.nanoTime())));
    long remaining =
        DrainProgress.awaitDrained(
            executions,
            start,
            limit,
            () -> {
              for (SoloWorker worker : workers) {
                if (!worker.alive()) {
                  throw new IllegalStateException(
                      worker + " exited; end of its log:\n" + worker.logTail(30));
                }
              }
              return InProcessDrains.unfinished(jdbc);
            });
    return new Drained(remaining, (System.nanoTime() - start) / 1e9);
  }
}
