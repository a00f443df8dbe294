package io.kairos.bench.load;

import com.zaxxer.hikari.HikariDataSource;
import io.kairos.bench.throughput.DrainProgress;
import io.kairos.core.Kairos;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.registry.RunHistoryStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Firing delay under a steady load: one-time noop jobs due at known instants, {@code rate} per
 * second for {@code duration}, created through the core's {@code JobSubmitter} {@link #LEAD} before
 * they are due, those due within one {@link #TICK} in one transaction, with the API's {@code NOTIFY
 * kairos_due} at its due time; the worker JVM started on the same database runs them. Delay =
 * {@code started_at − scheduled_for} of each first attempt in the run history ({@code
 * RunHistoryStore.firstAttempts}).
 */
public final class SteadyLoad {

  /** How long before its due time each job is created: creation latency is not firing delay. */
  public static final Duration LEAD = Duration.ofSeconds(1);

  private static final int SUBMITTERS = 4;

  /** Jobs due within one tick are created in one transaction. */
  private static final Duration TICK = Duration.ofMillis(10);

  /**
   * The rate of the idle run: a few jobs a second keep a worker that drains thousands a second
   * idle, so their delay is what a job posted for now meets on a quiet cluster.
   */
  public static final double IDLE_RATE = 10;

  private static final Duration DRAIN_LIMIT = Duration.ofMinutes(3);

  /**
   * @param delaysMillis every first attempt's delay, in start order
   * @param createdLate jobs whose creation committed after their due time (the benchmark could not
   *     keep up the rate)
   */
  public record Result(
      double rate, Duration duration, int jobs, List<Double> delaysMillis, int createdLate) {}

  /**
   * @param prefix of the jobs' ids, distinct per run on one database: the delays are read back by
   *     it
   */
  private SteadyLoad() {}

  public static Result run(
      HikariDataSource pool,
      String url,
      Properties credentials,
      String prefix,
      double rate,
      Duration duration)
      throws SQLException, InterruptedException, java.util.concurrent.ExecutionException {
    int jobs = (int) Math.round(rate * duration.toMillis() / 1000.0);
    try (NotifyAtDue wakeUps = new NotifyAtDue(url, credentials);
        Kairos kairos =
            Kairos.builder(pool, new DataSourceTransactionManager(pool))
                .dueListener(wakeUps)
                .build()) {
      var submitter = kairos.submitter();
      Instant first = kairos.clock().now().plus(LEAD).plusSeconds(1);
      long intervalNanos = (long) (1e9 / rate);
      // Jobs are created a tick's worth at a time, each tick in one transaction (as one
      // POST /api/v1/jobs/batch would): one transaction per job could not keep up half a worker's
      // rate on two cores, and the delays measured were then the generator's lag.
      int perTick = Math.max(1, (int) Math.round(rate * TICK.toNanos() / 1e9));
      AtomicInteger next = new AtomicInteger();
      AtomicInteger created = new AtomicInteger();
      AtomicInteger late = new AtomicInteger();
      ExecutorService threads = Executors.newFixedThreadPool(SUBMITTERS);
      List<Future<?>> running = new ArrayList<>();
      for (int s = 0; s < SUBMITTERS; s++) {
        running.add(
            threads.submit(
                () -> {
                  for (int from = next.getAndAdd(perTick);
                      from < jobs;
                      from = next.getAndAdd(perTick)) {
                    int to = Math.min(from + perTick, jobs);
                    Instant firstDue = first.plusNanos(from * intervalNanos);
                    long wait =
                        Duration.between(kairos.clock().now(), firstDue.minus(LEAD)).toMillis();
                    if (wait > 0) {
                      Thread.sleep(wait); // paces creation at the target rate
                    }
                    List<NewJob> tick = new ArrayList<>(to - from);
                    for (int i = from; i < to; i++) {
                      tick.add(
                          new NewJob(
                              String.format("%s%09d", prefix, i),
                              BuiltInJobTypes.NOOP.name(),
                              null,
                              kairos.json().createObjectNode(),
                              ScheduleSpec.at(first.plusNanos(i * intervalNanos)),
                              3,
                              0,
                              "bench-load-" + i,
                              "bench"));
                    }
                    submitter.submitAll(tick);
                    created.addAndGet(tick.size());
                    if (kairos.clock().now().isAfter(firstDue)) {
                      late.addAndGet(tick.size());
                    }
                  }
                  return null;
                }));
      }
      try (DrainProgress progress = new DrainProgress(jobs, created::get)) {
        for (Future<?> f : running) {
          f.get();
        }
      }
      threads.shutdown();
      RunHistoryStore history = kairos.runs();
      long remaining =
          DrainProgress.awaitDrained(
              jobs,
              System.nanoTime(),
              DRAIN_LIMIT,
              () -> jobs - history.countFirstAttempts(prefix));
      if (remaining > 0) {
        throw new IllegalStateException(remaining + " load jobs never ran");
      }
      List<Double> delays =
          history.firstAttempts(prefix).stream()
              .map(a -> Duration.between(a.scheduledFor(), a.startedAt()).toNanos() / 1e6)
              .toList();
      return new Result(rate, duration, jobs, delays, late.get());
    }
  }
}
