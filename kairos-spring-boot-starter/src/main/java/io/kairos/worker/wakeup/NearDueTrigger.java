package io.kairos.worker.wakeup;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import io.kairos.concurrent.DaemonTimers;
import io.kairos.execution.RescheduleListener;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * When this worker reschedules an execution (a recurring job's next occurrence, a retry, a dead
 * worker's execution it revived) to a time before its next poll, it checks for due executions at
 * that time, after the rescheduling committed, instead of up to one polling interval later. Times
 * further ahead are left to polling and the API's wake-ups. It hears of db-scheduler's own
 * reschedules (revival) as a scheduler listener, and of those a group commit of results wrote as
 * Kairos's {@link RescheduleListener}, after that commit.
 */
@Component
public class NearDueTrigger extends AbstractSchedulerListener
    implements RescheduleListener, AutoCloseable {

  private final ObjectProvider<Scheduler> scheduler;
  private final Duration pollingInterval;
  private final com.github.kagkarlsson.scheduler.Clock clock;
  private final ScheduledExecutorService timer = DaemonTimers.newTimer("kairos-near-due");

  NearDueTrigger(
      ObjectProvider<Scheduler> scheduler,
      DbSchedulerProperties properties,
      @Qualifier("dbSchedulerClock") com.github.kagkarlsson.scheduler.Clock clock) {
    this.scheduler = scheduler;
    this.pollingInterval = properties.getPollingInterval();
    this.clock = clock;
  }

  @Override
  public void onExecutionScheduled(TaskInstanceId taskInstanceId, Instant executionTime) {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      // Rescheduled inside a transaction (completion, revival of a dead worker's execution): a
      // check now would skip the still-locked row, so look once the transaction has committed.
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              schedule(executionTime);
            }
          });
      return;
    }
    schedule(executionTime);
  }

  @Override
  public void rescheduled(TaskInstanceId execution, Instant at) {
    schedule(at);
  }

  private void schedule(Instant executionTime) {
    long delayMillis = Duration.between(clock.now(), executionTime).toMillis();
    if (delayMillis < pollingInterval.toMillis()) {
      timer.schedule(() -> check(executionTime), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Checks once the scheduler's clock has reached the due time. The timer counts on this JVM's
   * monotonic time while due times are compared on the database clock, which may hold still for a
   * moment when it is re-measured; a check that came early would find nothing due and leave the
   * execution to the next poll, so it waits the rest instead.
   */
  private void check(Instant executionTime) {
    // Compared to the nanosecond: due times carry microseconds, and a check less than a
    // millisecond early would find nothing due and leave the execution to the next poll.
    long early = Duration.between(clock.now(), executionTime).toNanos();
    if (early > 0) {
      timer.schedule(() -> check(executionTime), early, TimeUnit.NANOSECONDS);
      return;
    }
    Scheduler s = scheduler.getIfAvailable();
    if (s != null) {
      s.triggerCheckForDueExecutions();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
