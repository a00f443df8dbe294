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
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What one claim and one page of the job list cost as pending jobs pile up: at each size, the jobs
 * not due for a day, measured in-process on one connection at a time:
 *
 * <ul>
 *   <li>one lock-and-fetch poll exactly as a default worker makes it (db-scheduler's own {@link
 *       JdbcTaskRepository#lockAndGetDue}: one {@code update … where … in (select … for update skip
 *       locked)}, priority order, asking for {@value #CLAIM_LIMIT} = 10 threads × upper fraction
 *       1.0), with nothing due, and with {@value #DUE} jobs due (the claimed ones are handed back
 *       between repetitions, untimed);
 *   <li>{@code JobStore.list} with state {@code SCHEDULED}, {@value #PAGE} + 1 rows, the call
 *       behind {@code GET /api/v1/jobs?state=SCHEDULED&limit=100} (without HTTP and JSON), and that
 *       request itself, over HTTP to an API JVM on the same database ({@link ApiListPage});
 *   <li>one check of the stale-job watchdog with a worker's default settings, which a worker runs
 *       every 30 s (nothing is stale: the pending jobs are due tomorrow).
 * </ul>
 */
public final class ClaimAndListCost {

  static final int CLAIM_LIMIT = 10;
  static final int DUE = 100;
  static final int PAGE = 100;
  private static final int WARM_UP = 5;
  private static final int API_WARM_UP = 200;
  private static final String PENDING = "pending-";
  private static final String DUE_PREFIX = "due-";

  /** The watchdog as a worker with Kairos's defaults runs it (kairos.housekeeping.*). */
  private static final StaleJobWatchdog.Settings WORKER_WATCHDOG =
      new StaleJobWatchdog.Settings(2.0, Duration.ofMinutes(1), Duration.ofMinutes(1));

  /** Median and 99th percentile (ms) of one size's repetitions. */
  public record Cost(
      int pending,
      int repetitions,
      double emptyPollP50,
      double emptyPollP99,
      double duePollP50,
      double duePollP99,
      int claimedPerPoll,
      double listP50,
      double listP99,
      double apiListP50,
      double apiListP99,
      double watchdogP50,
      double watchdogP99,
      Duration insertTime) {}

  private final Kairos kairos;
  private final PendingJobs pending;
  private final JdbcTaskRepository repository;
  private final StaleJobWatchdog watchdog;
  private final ApiListPage apiList;
  private boolean apiWarmedUp;
  private int inserted;

  /** Measures on {@code kairos}'s database, and over HTTP through {@code api}, running on it. */
  public ClaimAndListCost(Kairos kairos, Cluster api) {
    this.kairos = kairos;
    this.apiList = new ApiListPage(api);
    this.pending = new PendingJobs(kairos);
    Task<JobData> noop =
        Tasks.oneTime(BuiltInJobTypes.NOOP.name(), JobData.class)
            .execute((instance, context) -> {});
    this.repository =
        new JdbcTaskRepository(
            kairos.schedulerDataSource(),
            false,
            new AutodetectJdbcCustomization(kairos.schedulerDataSource()),
            JdbcTaskRepository.DEFAULT_TABLE_NAME,
            new TaskResolver(new SchedulerListeners(), new SystemClock(), List.of(noop)),
            new SchedulerName.Fixed("bench-claim"),
            kairos.serializer(),
            true,
            new SystemClock());
    this.watchdog = kairos.watchdog(WORKER_WATCHDOG);
  }

  /** Grows the pending jobs to {@code size} (sizes ascending) and measures. */
  public Cost measure(int size, int repetitions) {
    long insertStart = System.nanoTime();
    Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
    if (size > inserted) {
      int from = inserted;
      pending.insert(
          PENDING,
          from,
          size,
          tomorrow,
          n -> {
            inserted += n;
            progress("inserted %,d of %,d pending jobs", inserted, size);
          });
    }
    pending.vacuumAnalyze();
    Duration insertTime = Duration.ofNanos(System.nanoTime() - insertStart);
    progress("%,d pending jobs ready after %.1f s", size, insertTime.toMillis() / 1e3);

    List<Double> empty =
        time(repetitions, () -> repository.lockAndGetDue(Instant.now(), CLAIM_LIMIT));
    pending.insert(DUE_PREFIX, 0, DUE, Instant.now().minusSeconds(1), n -> {});
    pending.vacuumAnalyze();
    int[] claimed = {0};
    List<Double> due = new ArrayList<>();
    for (int i = 0; i < WARM_UP + repetitions; i++) {
      long t0 = System.nanoTime();
      List<Execution> got = repository.lockAndGetDue(Instant.now(), CLAIM_LIMIT);
      double ms = (System.nanoTime() - t0) / 1e6;
      if (i >= WARM_UP) {
        due.add(ms);
        claimed[0] = got.size();
      }
      pending.release(DUE_PREFIX, Instant.now().minusSeconds(1));
    }
    List<Double> list =
        time(
            repetitions,
            () ->
                kairos.jobs().list(new JobFilter(null, null, JobState.SCHEDULED), null, PAGE + 1));
    pending.delete(DUE_PREFIX);
    if (!apiWarmedUp) {
      // A new API JVM: its first requests run interpreted code, which is not what a page costs.
      for (int i = 0; i < API_WARM_UP; i++) {
        apiList.run();
      }
      apiWarmedUp = true;
    }
    List<Double> overHttp =
        time(
            repetitions,
            () -> {
              apiList.run();
              return null;
            });
    List<Double> watch = time(repetitions, watchdog::check);
    return new Cost(
        size,
        repetitions,
        Stats.percentile(empty, 50),
        Stats.percentile(empty, 99),
        Stats.percentile(due, 50),
        Stats.percentile(due, 99),
        claimed[0],
        Stats.percentile(list, 50),
        Stats.percentile(list, 99),
        Stats.percentile(overHttp, 50),
        Stats.percentile(overHttp, 99),
        Stats.percentile(watch, 50),
        Stats.percentile(watch, 99),
        insertTime);
  }

  private static List<Double> time(int repetitions, Supplier<?> call) {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < WARM_UP + repetitions; i++) {
      long t0 = System.nanoTime();
      call.get();
      if (i >= WARM_UP) {
        ms.add((System.nanoTime() - t0) / 1e6);
      }
    }
    return ms;
  }

  private static void progress(String format, Object... args) {
    System.out.printf("        %s%n", String.format(Locale.ROOT, format, args));
  }
}
