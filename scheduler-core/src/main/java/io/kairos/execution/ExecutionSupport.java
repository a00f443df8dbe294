package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.registry.JobRegistry;
import io.kairos.registry.RunHistory;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.transaction.support.TransactionOperations;

/**
 * What every {@link JobTask} shares. {@code transactions} must manage the same DataSource that
 * db-scheduler writes through (wrapped in a TransactionAwareDataSourceProxy), so that a history row
 * and the version-checked completion of its execution commit together or not at all.
 */
public record ExecutionSupport(
    JobCatalogue catalogue,
    RunHistory runs,
    JobRegistry jobs,
    TransactionOperations transactions,
    Clock clock,
    PersistedBackoff backoff,
    TimeoutPolicy timeouts,
    RunningAttempts attempts,
    ScheduledExecutorService timer,
    AttemptObserver observer) {

  /** Support with default timeouts and its own timer thread. */
  public ExecutionSupport(
      JobCatalogue catalogue,
      RunHistory runs,
      JobRegistry jobs,
      TransactionOperations transactions,
      Clock clock,
      PersistedBackoff backoff) {
    this(
        catalogue,
        runs,
        jobs,
        transactions,
        clock,
        backoff,
        TimeoutPolicy.DEFAULT,
        new RunningAttempts(),
        timeoutTimer(),
        AttemptObserver.NONE);
  }

  /** A daemon thread that interrupts attempts past their timeout. */
  public static ScheduledExecutorService timeoutTimer() {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "kairos-attempt-timeouts");
          t.setDaemon(true);
          return t;
        });
  }

  public ExecutionSupport {
    Objects.requireNonNull(catalogue, "catalogue");
    Objects.requireNonNull(runs, "runs");
    Objects.requireNonNull(jobs, "jobs");
    Objects.requireNonNull(transactions, "transactions");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(attempts, "attempts");
    Objects.requireNonNull(timer, "timer");
    Objects.requireNonNull(observer, "observer");
  }
}
