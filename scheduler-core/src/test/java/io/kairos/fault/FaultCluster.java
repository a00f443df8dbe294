package io.kairos.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.clock.DatabaseClock;
import io.kairos.control.JobSubmitter;
import io.kairos.execution.JobTasks;
import io.kairos.execution.LeaseGuard;
import io.kairos.execution.ServedTypesLockAndFetch;
import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.TestDatabases.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Worker engines in the test JVM, wired as the worker wires them (lock-and-fetch of served types,
 * results in groups not awaited, claims trusted for half the lease margin, {@link LeaseGuard},
 * database clock; heartbeat 1 s × 5, lease margin 2 s), each with a connection pool of its own, and
 * a ledger every handler run writes to in memory: whatever the database loses, the ledger still
 * shows what ran, where and when. {@link #assertNothingLostNoOverlap} is the verdict every fault
 * test gives.
 */
final class FaultCluster implements AutoCloseable {

  record Work(long millis) {}

  /** What a handler does besides recording itself: by default, sleep its payload's time. */
  interface Behaviour {
    void run(Work work, JobContext context) throws Exception;
  }

  /**
   * One handler run: [start, end) on the JVM's monotonic clock; {@code completed} if it returned.
   */
  record Run(
      String job, String node, Instant scheduledFor, long start, long end, boolean completed) {}

  static final JobType<Work> WORK = new JobType<>("work", Work.class, "takes its time");
  static final Duration HEARTBEAT = Duration.ofSeconds(1);
  static final int MISSED_HEARTBEATS = 5;
  static final Duration LEASE_MARGIN = Duration.ofSeconds(2);

  final ConcurrentLinkedQueue<Run> runs = new ConcurrentLinkedQueue<>();
  final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();
  final KairosFixture fixture;
  private final List<AutoCloseable> closeables = Collections.synchronizedList(new ArrayList<>());
  private final List<Scheduler> schedulers = Collections.synchronizedList(new ArrayList<>());

  FaultCluster(Behaviour behaviour) {
    this(null, behaviour);
  }

  /** On {@code database} (a server of the test's own), or on a new test database if null. */
  FaultCluster(TestDatabase database, Behaviour behaviour) {
    JobHandler<Work> handler =
        (work, context) -> {
          long start = System.nanoTime();
          boolean completed = false;
          try {
            behaviour.run(work, context);
            completed = true;
          } finally {
            runs.add(
                new Run(
                    context.jobId(),
                    context.node(),
                    context.scheduledFor(),
                    start,
                    System.nanoTime(),
                    completed));
          }
        };
    Map<JobType<?>, JobHandler<?>> handlers = Map.of(WORK, handler);
    this.fixture =
        database == null
            ? new KairosFixture(handlers, 4)
            : new KairosFixture(database, handlers, 4);
  }

  static void sleep(Work work, JobContext context) throws InterruptedException {
    Thread.sleep(work.millis());
  }

  /** Starts a worker engine named {@code node} on {@code jdbcUrl}. */
  Scheduler start(String node, String jdbcUrl, int threads, Consumer<HikariConfig> pool) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(fixture.database.user());
    config.setPassword(fixture.database.password());
    config.setMaximumPoolSize(threads + 4);
    config.setConnectionTimeout(5_000);
    config.setPoolName(node);
    pool.accept(config);
    HikariDataSource dataSource = new HikariDataSource(config);
    closeables.add(dataSource);
    pools.put(node, dataSource);
    DatabaseClock clock = new DatabaseClock(dataSource, Clock.systemUTC(), Duration.ofSeconds(10));
    closeables.add(clock);
    var kairos = fixture.kairos(dataSource, clock);
    JobTasks tasks =
        kairos.jobTasks(
            JobTasks.Settings.DEFAULTS
                .withCompletionsAwaited(false)
                .withClaims(new JobTasks.Claims(LEASE_MARGIN.dividedBy(2), HEARTBEAT)));
    closeables.add(tasks::close);
    Scheduler scheduler =
        Scheduler.create(kairos.schedulerDataSource(), fixture.tasks(tasks))
            .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
            .schedulerName(new SchedulerName.Fixed(node))
            .serializer(fixture.serializer)
            .clock(clock)
            .threads(threads)
            .pollUsingLockAndFetch(1.0, 2.0)
            .pollingInterval(Duration.ofMillis(500))
            .heartbeatInterval(HEARTBEAT)
            .missedHeartbeatsLimit(MISSED_HEARTBEATS)
            .enablePriority()
            .shutdownMaxWait(Duration.ofSeconds(5))
            .jdbcCustomization(
                new ServedTypesLockAndFetch(
                    List.of(WORK.name()), false, tasks.claims(), KairosSchema.DEFAULT))
            .build();
    closeables.add(
        new LeaseGuard(
            scheduler::getCurrentlyExecuting,
            tasks.attempts(),
            HEARTBEAT.multipliedBy(MISSED_HEARTBEATS),
            LEASE_MARGIN,
            HEARTBEAT.dividedBy(4)));
    scheduler.start();
    schedulers.add(scheduler);
    return scheduler;
  }

  JobSubmitter submitter() {
    return fixture.submitter(new SystemClock());
  }

  void submit(JobSubmitter submitter, String id, long millis, Instant at) {
    submitter.submit(
        fixture.job(
            id, WORK.name(), fixture.json.valueToTree(new Work(millis)), ScheduleSpec.at(at), 5));
  }

  int count(String sql, Object... args) {
    return fixture.jdbc.queryForObject(KairosSchema.DEFAULT.sql(sql), Integer.class, args);
  }

  boolean allCompleted(String prefix, int jobs) {
    return count(
            "select count(*) from kairos_job where id like ? and state = 'COMPLETED'", prefix + "%")
        == jobs;
  }

  /**
   * The verdict: each of {@code jobs} ({@code prefix} + number) is COMPLETED with exactly one
   * recorded success; no two handler runs of one job overlapped in time; a job whose handler
   * returned more than once has a lost attempt in its history (the at-least-once side of a crash
   * the exactly-once argument allows), and the number of such jobs is returned.
   */
  int assertNothingLostNoOverlap(String prefix, int jobs) {
    assertThat(
            count(
                "select count(*) from kairos_job where id like ? and state = 'COMPLETED'",
                prefix + "%"))
        .as("jobs completed")
        .isEqualTo(jobs);
    assertThat(
            count(
                "select count(*) from (select job_id from kairos_job_run where job_id like ? and"
                    + " outcome = 'SUCCEEDED' group by job_id having count(*) = 1) once",
                prefix + "%"))
        .as("jobs with exactly one recorded success")
        .isEqualTo(jobs);
    assertThat(
            count(
                "select count(*) from kairos_job_run where job_id like ? and outcome = 'SUCCEEDED'",
                prefix + "%"))
        .as("recorded successes")
        .isEqualTo(jobs);
    Map<String, List<Run>> byJob = new ConcurrentHashMap<>();
    for (Run run : runs) {
      if (run.job().startsWith(prefix)) {
        byJob.computeIfAbsent(run.job(), j -> new ArrayList<>()).add(run);
      }
    }
    assertThat(byJob).as("jobs whose handler ran").hasSize(jobs);
    int ranTwice = 0;
    for (var entry : byJob.entrySet()) {
      List<Run> list = new ArrayList<>(entry.getValue());
      list.sort((a, b) -> Long.compare(a.start(), b.start()));
      for (int i = 1; i < list.size(); i++) {
        assertThat(list.get(i).start())
            .as("%s: a run started before the one before it ended: %s", entry.getKey(), list)
            .isGreaterThanOrEqualTo(list.get(i - 1).end());
      }
      if (list.stream().filter(Run::completed).count() > 1) {
        ranTwice++;
        assertThat(
                count(
                    "select count(*) from kairos_job_run where job_id = ? and outcome <> 'SUCCEEDED'",
                    entry.getKey()))
            .as("%s ran to its end twice without a lost attempt recorded: %s", entry.getKey(), list)
            .isPositive();
      }
    }
    return ranTwice;
  }

  /** Jobs of {@code prefix} two of whose handler runs overlapped in time. */
  int overlapping(String prefix) {
    Map<String, List<Run>> byJob = new ConcurrentHashMap<>();
    runs.stream()
        .filter(run -> run.job().startsWith(prefix))
        .forEach(run -> byJob.computeIfAbsent(run.job(), j -> new ArrayList<>()).add(run));
    int overlapping = 0;
    for (List<Run> list : byJob.values()) {
      list.sort((a, b) -> Long.compare(a.start(), b.start()));
      for (int i = 1; i < list.size(); i++) {
        if (list.get(i).start() < list.get(i - 1).end()) {
          overlapping++;
          break;
        }
      }
    }
    return overlapping;
  }

  /** Firing delays (handler start − due time) of {@code prefix}'s runs, in milliseconds, sorted. */
  List<Long> firingDelays(String prefix, long nanoOrigin, Instant wallOrigin) {
    List<Long> delays = new ArrayList<>();
    for (Run run : runs) {
      if (run.job().startsWith(prefix)) {
        Instant started = wallOrigin.plusNanos(run.start() - nanoOrigin);
        delays.add(Duration.between(run.scheduledFor(), started).toMillis());
      }
    }
    Collections.sort(delays);
    return delays;
  }

  static String describe(List<Long> sortedMillis) {
    if (sortedMillis.isEmpty()) {
      return "none";
    }
    int n = sortedMillis.size();
    return "median "
        + sortedMillis.get((n - 1) / 2)
        + " ms, p99 "
        + sortedMillis.get((int) Math.ceil(n * 0.99) - 1)
        + " ms, max "
        + sortedMillis.get(n - 1)
        + " ms (n="
        + n
        + ")";
  }

  @Override
  public void close() throws Exception {
    schedulers.forEach(Scheduler::stop);
    List<AutoCloseable> reversed = new ArrayList<>(closeables);
    Collections.reverse(reversed);
    for (AutoCloseable c : reversed) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    fixture.close();
  }
}
