package io.kairos.bench.scale;

import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.github.kagkarlsson.scheduler.TaskResolver;
import com.github.kagkarlsson.scheduler.event.SchedulerListeners;
import com.github.kagkarlsson.scheduler.jdbc.AutodetectJdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.JdbcTaskRepository;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.kairos.bench.cluster.BenchJobStore;
import io.kairos.bench.cluster.Cluster;
import io.kairos.bench.measure.Stats;
import io.kairos.core.Kairos;
import io.kairos.job.JobData;
import io.kairos.job.JobFilter;
import io.kairos.job.JobState;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.watchdog.StaleJobWatchdog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * What the calls a cluster makes all the time cost as pending jobs and history pile up: first at
 * each number of pending jobs (due in a day), then with that many pending jobs and history growing
 * to each number of rows, on one growing database, one call at a time, each {@link Operation} timed
 * {@code repetitions} times after {@value #WARM_UP} untimed calls. The goal is flat.
 */
public final class CostAtScale {

  /** What is timed. */
  public enum Operation {
    EMPTY_POLL("poll, nothing due (in process)"),
    DUE_POLL("poll, 100 due, claims 10 (in process)"),
    LIST("`JobStore.list` SCHEDULED, 101 rows (in process)"),
    FIRST_PAGE("`GET /api/v1/jobs?state=SCHEDULED&limit=100`, first page"),
    DEEP_PAGE("… the page after the middle job (cursor)"),
    READ("`GET /api/v1/jobs/{id}`, a random job"),
    RUNS("`GET /api/v1/jobs/{id}/runs?order=newest&limit=50`"),
    CREATE("`POST /api/v1/jobs`, one-time, due in a day"),
    WATCHDOG("stale-job watchdog check (in process)"),
    DEAD_EXECUTIONS("dead-execution check, db-scheduler's (in process)");

    final String label;

    Operation(String label) {
      this.label = label;
    }
  }

  /** Median and 99th percentile, ms. */
  public record Timing(double p50, double p99) {}

  /**
   * One size measured.
   *
   * @param written rows written to reach this size (jobs or history rows)
   * @param fill how long writing them took
   * @param vacuum how long the {@code vacuum analyze} after it took
   */
  public record Phase(
      long pending,
      long history,
      Map<Operation, Timing> timings,
      long written,
      Duration fill,
      Duration vacuum,
      double bytesPerJob,
      double bytesPerHistoryRow) {}

  /** Each job with history made this many attempts, spread over {@value #HISTORY_DAYS} days. */
  public static final int RUNS_PER_JOB = 100;

  static final int HISTORY_DAYS = 30;
  static final int CLAIM_LIMIT = 10;
  static final int DUE = 100;
  private static final int WARM_UP = 5;
  private static final int API_WARM_UP = 200;
  private static final int HISTORY_CHUNK = 1_000_000;
  private static final String PENDING = "pending-";
  private static final String DUE_PREFIX = "due-";
  private static final String CREATED = "created-";

  /** The watchdog as a worker with Kairos's defaults runs it (kairos.housekeeping.*). */
  private static final StaleJobWatchdog.Settings WORKER_WATCHDOG =
      new StaleJobWatchdog.Settings(2.0, Duration.ofMinutes(1), Duration.ofMinutes(1));

  /** db-scheduler's default: an execution whose heartbeat is 4 × 5 min old is dead. */
  private static final Duration DEAD_AFTER = Duration.ofMinutes(20);

  private final Kairos kairos;
  private final PendingJobs pending;
  private final BenchJobStore store;
  private final JdbcTaskRepository repository;
  private final StaleJobWatchdog watchdog;
  private final ApiCalls api;
  private final SplittableRandom random = new SplittableRandom(42);
  private boolean apiWarmedUp;
  private int inserted;
  private long historyRows;
  private int created;

  /** Measures on {@code kairos}'s database, and over HTTP through {@code api}, running on it. */
  public CostAtScale(Kairos kairos, Cluster api) {
    this.kairos = kairos;
    this.api = new ApiCalls(api);
    this.pending = new PendingJobs(kairos);
    this.store = new BenchJobStore(kairos.schedulerDataSource(), kairos.schema());
    Task<JobData> noop =
        Tasks.oneTime(BuiltInJobTypes.NOOP.name(), JobData.class)
            .execute((instance, context) -> {});
    this.repository =
        new JdbcTaskRepository(
            kairos.schedulerDataSource(),
            false,
            new AutodetectJdbcCustomization(kairos.schedulerDataSource()),
            kairos.schema().table(JdbcTaskRepository.DEFAULT_TABLE_NAME),
            new TaskResolver(new SchedulerListeners(), new SystemClock(), List.of(noop)),
            new SchedulerName.Fixed("bench-claim"),
            kairos.serializer(),
            true,
            new SystemClock());
    this.watchdog = kairos.watchdog(WORKER_WATCHDOG);
  }

  /** Grows the pending jobs to {@code size} (sizes ascending, before any history) and measures. */
  public Phase pending(int size, int repetitions) {
    if (historyRows > 0) {
      throw new IllegalStateException("pending jobs are measured before history is written");
    }
    long start = System.nanoTime();
    int from = inserted;
    if (size > inserted) {
      Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
      pending.insert(PENDING, from, size, tomorrow, rate("pending jobs", size, start));
    }
    Duration fill = Duration.ofNanos(System.nanoTime() - start);
    Duration vacuum = vacuumAnalyze();
    progress(
        "%,d pending jobs ready: written in %.1f s, vacuum analyze %.1f s",
        size, secs(fill), secs(vacuum));
    return measure(Math.max(0, size - from), fill, vacuum, repetitions);
  }

  /**
   * Grows history to {@code rows} (ascending, a multiple of {@link #RUNS_PER_JOB}) in day
   * partitions, {@value #RUNS_PER_JOB} attempts per pending job from the first, and measures.
   */
  public Phase history(long rows, int repetitions) {
    if (rows % RUNS_PER_JOB != 0 || rows / RUNS_PER_JOB > inserted) {
      throw new IllegalArgumentException(
          "history of "
              + rows
              + " rows: must be a multiple of "
              + RUNS_PER_JOB
              + ", of at most "
              + RUNS_PER_JOB
              + " attempts per pending job");
    }
    store.addHistoryDays(HISTORY_DAYS);
    long start = System.nanoTime();
    long from = historyRows;
    for (long chunk = from; chunk < rows; chunk += HISTORY_CHUNK) {
      long to = Math.min(chunk + HISTORY_CHUNK, rows);
      historyRows += store.writeHistory(PENDING, chunk, to, RUNS_PER_JOB, HISTORY_DAYS);
      reportRate("history rows", historyRows - from, rows - from, start);
    }
    Duration fill = Duration.ofNanos(System.nanoTime() - start);
    Duration vacuum = vacuumAnalyze();
    progress(
        "%,d history rows ready: written in %.1f s, vacuum analyze %.1f s",
        rows, secs(fill), secs(vacuum));
    return measure(rows - from, fill, vacuum, repetitions);
  }

  private Phase measure(long written, Duration fill, Duration vacuum, int repetitions) {
    double bytesPerJob = store.bytesPerJob();
    double bytesPerHistoryRow = historyRows == 0 ? Double.NaN : store.bytesPerHistoryRow();
    Map<Operation, Timing> timings = new EnumMap<>(Operation.class);
    timings.put(
        Operation.EMPTY_POLL,
        time(repetitions, () -> repository.lockAndGetDue(Instant.now(), CLAIM_LIMIT)));
    pending.insert(DUE_PREFIX, 0, DUE, Instant.now().minusSeconds(1), n -> {});
    pending.vacuumAnalyze();
    timings.put(Operation.DUE_POLL, duePolls(repetitions));
    timings.put(
        Operation.LIST,
        time(
            repetitions,
            () -> kairos.jobs().list(new JobFilter(null, null, JobState.SCHEDULED), null, 101)));
    pending.delete(DUE_PREFIX);
    if (!apiWarmedUp) {
      // A new API JVM: its first requests run interpreted code, which is not what a call costs.
      for (int i = 0; i < API_WARM_UP; i++) {
        api.listPage(null);
        api.read(jobId(random.nextInt(inserted)));
        api.create(CREATED + "warm-" + i, Instant.now().plus(Duration.ofDays(1)));
      }
      apiWarmedUp = true;
    }
    timings.put(Operation.FIRST_PAGE, time(repetitions, () -> api.listPage(null)));
    String middle = jobId(inserted / 2);
    timings.put(Operation.DEEP_PAGE, time(repetitions, () -> api.listPage(middle)));
    int withHistory = historyRows == 0 ? inserted : (int) (historyRows / RUNS_PER_JOB);
    timings.put(
        Operation.READ, time(repetitions, () -> api.read(jobId(random.nextInt(withHistory)))));
    if (historyRows > 0) {
      timings.put(
          Operation.RUNS,
          time(repetitions, () -> api.newestRuns(jobId(random.nextInt(withHistory)))));
    }
    Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
    timings.put(
        Operation.CREATE, time(repetitions, () -> api.create(CREATED + created++, tomorrow)));
    pending.delete(CREATED);
    timings.put(Operation.WATCHDOG, time(repetitions, watchdog::check));
    timings.put(
        Operation.DEAD_EXECUTIONS,
        time(
            repetitions,
            () -> {
              if (!repository.getDeadExecutions(Instant.now().minus(DEAD_AFTER)).isEmpty()) {
                throw new IllegalStateException("no execution should be dead here");
              }
            }));
    return new Phase(
        inserted, historyRows, timings, written, fill, vacuum, bytesPerJob, bytesPerHistoryRow);
  }

  /** Claims 10 of the 100 due, handing the claimed back between polls, untimed. */
  private Timing duePolls(int repetitions) {
    List<Double> due = new ArrayList<>();
    for (int i = 0; i < WARM_UP + repetitions; i++) {
      long t0 = System.nanoTime();
      List<Execution> got = repository.lockAndGetDue(Instant.now(), CLAIM_LIMIT);
      double ms = (System.nanoTime() - t0) / 1e6;
      if (got.size() != CLAIM_LIMIT) {
        throw new IllegalStateException(
            "a poll with " + DUE + " due claimed " + got.size() + ", not " + CLAIM_LIMIT);
      }
      if (i >= WARM_UP) {
        due.add(ms);
      }
      pending.release(DUE_PREFIX, Instant.now().minusSeconds(1));
    }
    return timing(due);
  }

  private Duration vacuumAnalyze() {
    long start = System.nanoTime();
    pending.vacuumAnalyze();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private IntConsumer rate(String what, int size, long start) {
    int from = inserted;
    return n -> {
      inserted += n;
      reportRate(what, inserted - from, size - from, start);
    };
  }

  private static void reportRate(String what, long done, long of, long startNanos) {
    double secs = (System.nanoTime() - startNanos) / 1e9;
    progress("%,d of %,d %s written, %.1f s, %,.0f rows/s", done, of, what, secs, done / secs);
  }

  private static String jobId(int n) {
    return PENDING + String.format(Locale.ROOT, "%09d", n);
  }

  private static Timing time(int repetitions, Runnable call) {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < WARM_UP + repetitions; i++) {
      long t0 = System.nanoTime();
      call.run();
      if (i >= WARM_UP) {
        ms.add((System.nanoTime() - t0) / 1e6);
      }
    }
    return timing(ms);
  }

  private static Timing timing(List<Double> ms) {
    return new Timing(Stats.percentile(ms, 50), Stats.percentile(ms, 99));
  }

  private static double secs(Duration d) {
    return d.toMillis() / 1e3;
  }

  private static void progress(String format, Object... args) {
    System.out.printf("        %s%n", String.format(Locale.ROOT, format, args));
  }
}
