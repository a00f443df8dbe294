package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.registry.JobRegistry;
import io.kairos.registry.RunHistory;
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
  private final RunningAttempts attempts;
  private final ScheduledExecutorService timer;
  private final Clock clock;

  /** How attempts are bounded, retried and observed; each has a default. */
  public record Settings(
      PersistedBackoff backoff, TimeoutPolicy timeouts, AttemptObserver observer) {

    public static final Settings DEFAULTS =
        new Settings(PersistedBackoff.DEFAULT, TimeoutPolicy.DEFAULT, AttemptObserver.NONE);

    public Settings {
      Objects.requireNonNull(backoff, "backoff");
      Objects.requireNonNull(timeouts, "timeouts");
      Objects.requireNonNull(observer, "observer");
    }

    public Settings withBackoff(PersistedBackoff value) {
      return new Settings(value, timeouts, observer);
    }

    public Settings withTimeouts(TimeoutPolicy value) {
      return new Settings(backoff, value, observer);
    }

    public Settings withObserver(AttemptObserver value) {
      return new Settings(backoff, timeouts, value);
    }
  }

  /**
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
      Settings settings) {
    this.attempts = new RunningAttempts();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kairos-attempt-timeouts");
              t.setDaemon(true);
              return t;
            });
    this.clock = clock;
    this.start = new AttemptStart(runs, clock);
    this.runner = new AttemptRunner(catalogue, secrets, settings.timeouts(), attempts, timer);
    this.recorder = new CompletionRecorder(transactions, runs, jobs, settings.observer());
    this.retryTier = new PersistedRetryTier(recorder, settings.backoff(), clock);
    this.revival = new Revival(recorder, clock);
  }

  /** The task that runs jobs of {@code type} with {@code handler}. */
  public <P> JobTask<P> task(JobType<P> type, JobHandler<P> handler) {
    return new JobTask<>(type, handler, start, runner, recorder, retryTier, revival, clock);
  }

  /** The attempts running now, for the lease guard. */
  public RunningAttempts attempts() {
    return attempts;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
