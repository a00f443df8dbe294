package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.cluster.ClusterSwitch;
import io.kairos.control.JobRequests;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.MisfirePolicy;
import io.kairos.notification.Notifier;
import io.kairos.registry.JobRegistry;
import io.kairos.registry.RunHistory;
import io.kairos.serialization.KairosJson;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Builds the db-scheduler task of each job type a worker serves, all sharing one set of steps: one
 * start, one runner (with the attempts the lease guard watches), one completion recorder, one
 * persisted retry tier and one revival. Made by {@code Kairos.jobTasks(..)}.
 */
public final class JobTasks implements AutoCloseable {

  private final AttemptStart start;
  private final AttemptRunner runner;
  private final CompletionRecorder recorder;
  private final PersistedRetryTier retryTier;
  private final Revival revival;
  private final JobRegistry jobs;
  private final RunningAttempts attempts;
  private final ScheduledExecutorService timer;
  private final Clock clock;

  /**
   * How attempts are bounded, retried, observed and notified of, and how their results are written;
   * each has a default.
   *
   * @param completionBatchSize at most this many results are written in one transaction
   * @param completionLinger how long a result waits for others to share its transaction
   * @param rescheduled told after commit of each execution a completion rescheduled
   * @param notifier told of failed, dead, missed and recovered jobs, in the transaction recording
   *     each
   */
  public record Settings(
      PersistedBackoff backoff,
      TimeoutPolicy timeouts,
      AttemptObserver observer,
      int completionBatchSize,
      Duration completionLinger,
      RescheduleListener rescheduled,
      Notifier notifier) {

    public static final int DEFAULT_COMPLETION_BATCH_SIZE = 100;
    public static final Duration DEFAULT_COMPLETION_LINGER = Duration.ofMillis(2);

    public static final Settings DEFAULTS =
        new Settings(
            PersistedBackoff.DEFAULT,
            TimeoutPolicy.DEFAULT,
            AttemptObserver.NONE,
            DEFAULT_COMPLETION_BATCH_SIZE,
            DEFAULT_COMPLETION_LINGER,
            RescheduleListener.NONE,
            Notifier.NONE);

    public Settings {
      Objects.requireNonNull(backoff, "backoff");
      Objects.requireNonNull(timeouts, "timeouts");
      Objects.requireNonNull(observer, "observer");
      Objects.requireNonNull(completionLinger, "completionLinger");
      Objects.requireNonNull(rescheduled, "rescheduled");
      Objects.requireNonNull(notifier, "notifier");
      if (completionBatchSize < 1) {
        throw new IllegalArgumentException(
            "completion batch size must be positive: " + completionBatchSize);
      }
      if (completionLinger.isNegative()) {
        throw new IllegalArgumentException(
            "completion linger must not be negative: " + completionLinger);
      }
    }

    public Settings withBackoff(PersistedBackoff value) {
      return new Settings(
          value, timeouts, observer, completionBatchSize, completionLinger, rescheduled, notifier);
    }

    public Settings withTimeouts(TimeoutPolicy value) {
      return new Settings(
          backoff, value, observer, completionBatchSize, completionLinger, rescheduled, notifier);
    }

    public Settings withObserver(AttemptObserver value) {
      return new Settings(
          backoff, timeouts, value, completionBatchSize, completionLinger, rescheduled, notifier);
    }

    /**
     * Group commit of results: at most {@code batchSize} per transaction, waiting {@code linger}.
     */
    public Settings withCompletionBatching(int batchSize, Duration linger) {
      return new Settings(backoff, timeouts, observer, batchSize, linger, rescheduled, notifier);
    }

    public Settings withNotifier(Notifier value) {
      return new Settings(
          backoff, timeouts, observer, completionBatchSize, completionLinger, rescheduled, value);
    }

    public Settings withRescheduled(RescheduleListener value) {
      return new Settings(
          backoff, timeouts, observer, completionBatchSize, completionLinger, value, notifier);
    }
  }

  /**
   * @param misfire the cluster's default misfire grace, for one-time jobs without their own
   * @param cluster the cluster-wide pause, checked when an attempt starts
   * @param transactions must manage the DataSource db-scheduler writes through (see {@link
   *     CompletionRecorder})
   */
  public JobTasks(
      JobCatalogue catalogue,
      PayloadSecrets secrets,
      JobRegistry jobs,
      RunHistory runs,
      TransactionOperations transactions,
      Clock clock,
      Settings settings,
      MisfirePolicy misfire,
      ClusterSwitch cluster) {
    this.jobs = jobs;
    this.attempts = new RunningAttempts();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kairos-attempt-timeouts");
              t.setDaemon(true);
              return t;
            });
    this.clock = clock;
    this.start = new AttemptStart(runs, jobs, clock, misfire, cluster);
    this.runner =
        new AttemptRunner(
            catalogue,
            secrets,
            settings.timeouts(),
            attempts,
            timer,
            new JobRequests(catalogue, KairosJson.newObjectMapper(), clock));
    this.recorder =
        new CompletionRecorder(
            transactions,
            runs,
            jobs,
            settings.observer(),
            settings.rescheduled(),
            settings.notifier(),
            settings.completionBatchSize(),
            settings.completionLinger());
    this.retryTier = new PersistedRetryTier(recorder, settings.backoff(), clock);
    this.revival = new Revival(recorder, clock);
  }

  /** The task that runs jobs of {@code type} with {@code handler}. */
  public <P> JobTask<P> task(JobType<P> type, JobHandler<P> handler) {
    return new JobTask<>(type, handler, start, runner, recorder, retryTier, revival, jobs, clock);
  }

  /** The attempts running now, for the lease guard. */
  public RunningAttempts attempts() {
    return attempts;
  }

  /** Batches of results written so far (tests). */
  long completionBatches() {
    return recorder.batchesWritten();
  }

  /** Writes the results still waiting for their batch, then stops this worker's helper threads. */
  @Override
  public void close() {
    recorder.close();
    timer.shutdownNow();
  }
}
