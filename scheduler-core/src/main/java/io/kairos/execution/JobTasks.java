package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.cluster.ClusterSwitch;
import io.kairos.concurrent.DaemonTimers;
import io.kairos.control.JobRequests;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.MisfirePolicy;
import io.kairos.limits.StartAdmission;
import io.kairos.notification.Notifier;
import io.kairos.registry.JobStore;
import io.kairos.registry.JobTables;
import io.kairos.registry.RunHistoryStore;
import io.kairos.running.AttemptSignalStore;
import io.kairos.wakeup.DueListener;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Builds the db-scheduler task of each job type a worker serves, all sharing one set of steps: one
 * start, one runner (with the attempts the lease guard watches), one decision of what comes after
 * an attempt ({@link AfterAttempt}), one completion recorder and one revival. Made by {@code
 * Kairos.jobTasks(..)}.
 */
public final class JobTasks implements AutoCloseable {

  private final AttemptStart start;
  private final AttemptRunner runner;
  private final CompletionRecorder recorder;
  private final AfterAttempt after;
  private final Revival revival;
  private final ClaimStore claimStore;
  private final RunningAttempts attempts;
  private final HeldClaims claims;
  private final ScheduledExecutorService timer;
  private final AttemptSignalWatch signals;

  /**
   * How attempts are bounded, retried, observed and notified of, and how their results and claims
   * are handled; each has a default.
   *
   * @param completions how results are written (group commit)
   * @param claims how long a fresh claim is trusted, and how often held claims are renewed
   * @param rescheduled told after commit of each execution a completion rescheduled
   * @param notifier told of failed, dead, missed and recovered jobs, in the transaction recording
   *     each
   */
  public record Settings(
      PersistedBackoff backoff,
      TimeoutPolicy timeouts,
      AttemptObserver observer,
      Completions completions,
      Claims claims,
      RescheduleListener rescheduled,
      Notifier notifier,
      Cancels cancels) {

    public static final int DEFAULT_COMPLETION_BATCH_SIZE = 100;
    public static final Duration DEFAULT_COMPLETION_LINGER = Duration.ofMillis(2);

    /**
     * Results wait for their commit and every start reads its claim: deterministic, as tests and an
     * application running executions by hand expect. A worker sets both (see {@link
     * #withCompletionsAwaited} and {@link #withClaims}).
     */
    public static final Settings DEFAULTS =
        new Settings(
            PersistedBackoff.DEFAULT,
            TimeoutPolicy.DEFAULT,
            AttemptObserver.NONE,
            new Completions(DEFAULT_COMPLETION_BATCH_SIZE, DEFAULT_COMPLETION_LINGER, true),
            Claims.ALWAYS_READ,
            RescheduleListener.NONE,
            Notifier.NONE,
            Cancels.DEFAULT);

    public Settings {
      Objects.requireNonNull(backoff, "backoff");
      Objects.requireNonNull(timeouts, "timeouts");
      Objects.requireNonNull(observer, "observer");
      Objects.requireNonNull(completions, "completions");
      Objects.requireNonNull(claims, "claims");
      Objects.requireNonNull(rescheduled, "rescheduled");
      Objects.requireNonNull(notifier, "notifier");
      Objects.requireNonNull(cancels, "cancels");
    }

    public Settings withBackoff(PersistedBackoff value) {
      return new Settings(
          value, timeouts, observer, completions, claims, rescheduled, notifier, cancels);
    }

    public Settings withTimeouts(TimeoutPolicy value) {
      return new Settings(
          backoff, value, observer, completions, claims, rescheduled, notifier, cancels);
    }

    public Settings withObserver(AttemptObserver value) {
      return new Settings(
          backoff, timeouts, value, completions, claims, rescheduled, notifier, cancels);
    }

    /**
     * Group commit of results: at most {@code batchSize} per transaction, waiting {@code linger}.
     */
    public Settings withCompletionBatching(int batchSize, Duration linger) {
      return withCompletions(new Completions(batchSize, linger, completions.awaitCommit()));
    }

    /**
     * Whether an executor thread waits until its result's batch committed ({@code true}) or hands
     * the result over and takes its next execution at once ({@code false}; see {@link
     * CompletionRecorder}).
     */
    public Settings withCompletionsAwaited(boolean awaitCommit) {
      return withCompletions(
          new Completions(completions.batchSize(), completions.linger(), awaitCommit));
    }

    private Settings withCompletions(Completions value) {
      return new Settings(
          backoff, timeouts, observer, value, claims, rescheduled, notifier, cancels);
    }

    public Settings withClaims(Claims value) {
      return new Settings(
          backoff, timeouts, observer, completions, value, rescheduled, notifier, cancels);
    }

    public Settings withNotifier(Notifier value) {
      return new Settings(
          backoff, timeouts, observer, completions, claims, rescheduled, value, cancels);
    }

    public Settings withCancels(Cancels value) {
      return new Settings(
          backoff, timeouts, observer, completions, claims, rescheduled, notifier, value);
    }

    public Settings withRescheduled(RescheduleListener value) {
      return new Settings(
          backoff, timeouts, observer, completions, claims, value, notifier, cancels);
    }
  }

  /**
   * How running attempts are stopped (an operator's cancel, a timeout) and how their signals
   * travel.
   *
   * @param grace how long a handler asked to stop may take before its thread is interrupted
   * @param checkEvery how often the worker writes its attempts' progress and reads cancel requests
   *     for them, while any run
   */
  public record Cancels(Duration grace, Duration checkEvery) {

    public static final Cancels DEFAULT = new Cancels(Duration.ofSeconds(5), Duration.ofSeconds(1));

    public Cancels {
      Objects.requireNonNull(grace, "grace");
      Objects.requireNonNull(checkEvery, "checkEvery");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("cancel grace must not be negative: " + grace);
      }
      if (checkEvery.isNegative() || checkEvery.isZero()) {
        throw new IllegalArgumentException("signal check interval must be positive: " + checkEvery);
      }
    }
  }

  /**
   * Group commit of results.
   *
   * @param batchSize at most this many results are written in one transaction
   * @param linger how long a result waits for others to share its transaction
   * @param awaitCommit whether the executor thread waits for its result's commit
   */
  public record Completions(int batchSize, Duration linger, boolean awaitCommit) {

    public Completions {
      Objects.requireNonNull(linger, "linger");
      if (batchSize < 1) {
        throw new IllegalArgumentException("completion batch size must be positive: " + batchSize);
      }
      if (linger.isNegative()) {
        throw new IllegalArgumentException("completion linger must not be negative: " + linger);
      }
    }
  }

  /**
   * How an attempt's start trusts its claim, and how claims db-scheduler does not heartbeat are
   * kept alive ({@link HeldClaims}).
   *
   * @param trustedFor an execution starting within this time of its claim starts without reading
   *     the claim again (nobody can have revived it yet); zero: every start reads it. Must stay
   *     below the lease margin, so the lease guard's view of the claim is never younger than the
   *     database's
   * @param renewEvery how often claims waiting for a thread or for their result's commit are
   *     renewed: the heartbeat interval
   */
  public record Claims(Duration trustedFor, Duration renewEvery) {

    /** Every start reads its claim; held claims renewed every second. */
    public static final Claims ALWAYS_READ = new Claims(Duration.ZERO, Duration.ofSeconds(1));

    public Claims {
      Objects.requireNonNull(trustedFor, "trustedFor");
      Objects.requireNonNull(renewEvery, "renewEvery");
      if (trustedFor.isNegative()) {
        throw new IllegalArgumentException("claim trust must not be negative: " + trustedFor);
      }
      if (renewEvery.isNegative() || renewEvery.isZero()) {
        throw new IllegalArgumentException("claim renewal must be positive: " + renewEvery);
      }
    }
  }

  /**
   * @param requests turns the follow-ups a handler asks for into jobs
   * @param misfire the cluster's default misfire grace, for one-time jobs without their own
   * @param cluster the cluster-wide pause, checked when an attempt starts
   * @param dueListener told of the follow-up jobs created with a result, after its commit
   * @param transactions must manage the DataSource db-scheduler writes through (see {@link
   *     CompletionRecorder})
   */
  public JobTasks(
      JobCatalogue catalogue,
      PayloadSecrets secrets,
      JobTables tables,
      JobRequests requests,
      JobStore jobs,
      RunHistoryStore runs,
      TransactionOperations transactions,
      Clock clock,
      Settings settings,
      MisfirePolicy misfire,
      ClusterSwitch cluster,
      DueListener dueListener) {
    this.claimStore = new ClaimStore(tables.dataSource(), tables.schema());
    // Every attempt schedules its timeout (an hour by default) and cancels it when it ends; the
    // timer drops cancelled ones at once (kept until their delay passed, the cancelled timers of an
    // hour's executions filled the heap, found by the benchmark's memory reading).
    this.timer = DaemonTimers.newTimer("kairos-attempt-timeouts");
    this.attempts = new RunningAttempts(timer, settings.cancels().grace());
    this.signals =
        new AttemptSignalWatch(
            new AttemptSignalStore(tables.dataSource(), tables.schema()),
            attempts,
            settings.cancels().checkEvery(),
            clock);
    this.claims = new HeldClaims(claimStore, clock, settings.claims().renewEvery());
    this.start =
        new AttemptStart(
            runs, claimStore, clock, misfire, cluster, settings.claims().trustedFor(), attempts);
    this.runner =
        new AttemptRunner(catalogue, secrets, settings.timeouts(), attempts, timer, requests);
    this.recorder =
        new CompletionRecorder(
            transactions,
            runs,
            new CompletionStore(tables),
            jobs,
            settings.observer(),
            settings.rescheduled(),
            settings.notifier(),
            dueListener,
            settings.completions(),
            claims);
    this.after = new AfterAttempt(settings.backoff(), clock);
    this.revival = new Revival(recorder, after);
  }

  /** The task that runs jobs of {@code type} with {@code handler}. */
  public <P> JobTask<P> task(JobType<P> type, JobHandler<P> handler) {
    return new JobTask<>(
        type, handler, start, runner, recorder, after, revival, claimStore, claims);
  }

  /** The attempts running now, for the lease guard. */
  public RunningAttempts attempts() {
    return attempts;
  }

  /**
   * The claims this worker holds that db-scheduler does not heartbeat; the worker's lock-and-fetch
   * tells it of each claim ({@link ServedTypesLockAndFetch}).
   */
  public HeldClaims claims() {
    return claims;
  }

  /** Exchanges the running attempts' signals with the database now (tests). */
  void checkSignals() {
    signals.check();
  }

  /**
   * Hands back, unstarted, the executions this worker claimed that no thread has taken up yet (a
   * draining worker), so other workers may take them at once.
   *
   * @return how many were handed back
   */
  public int handBackUnstarted() {
    return claims.handBackUnstarted();
  }

  /**
   * The types whose jobs may wait for a flow limit: their one-time jobs are never recorded MISSED
   * for starting late, since waiting on a limit is what they were asked to do; and who admits each
   * start of a rate-limited type.
   */
  public void waitingOnLimits(Set<String> types, StartAdmission admission) {
    start.waitingOnLimits(types, admission);
  }

  /** Attempt timeouts still scheduled (tests: none is kept once its attempt ended). */
  int scheduledTimeouts() {
    return ((ScheduledThreadPoolExecutor) timer).getQueue().size();
  }

  /** Batches of results written so far (tests). */
  long completionBatches() {
    return recorder.batchesWritten();
  }

  /** Writes the results still waiting for their batch, then stops this worker's helper threads. */
  @Override
  public void close() {
    recorder.close();
    claims.close();
    signals.close();
    timer.shutdownNow();
  }
}
