package io.kairos.test;

import com.github.kagkarlsson.scheduler.stats.StatsRegistry;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the executions the manual scheduler completed, so runDue() knows when nothing ran. It
 * listens as the scheduler's stats registry: the manual scheduler tells what happens only to that
 * (its scheduler listeners would hear nothing but task resolution).
 */
final class ExecutionCounter {

  private final AtomicLong completed = new AtomicLong();

  long completed() {
    return completed.get();
  }

  /** A stats registry that counts, and passes every event on to {@code application}'s. */
  StatsRegistry countingInto(StatsRegistry application) {
    return new StatsRegistry() {
      @Override
      public void registerSingleCompletedExecution(ExecutionComplete completeEvent) {
        completed.incrementAndGet();
        application.registerSingleCompletedExecution(completeEvent);
      }

      @Override
      public void register(SchedulerStatsEvent e) {
        application.register(e);
      }

      @Override
      public void register(CandidateStatsEvent e) {
        application.register(e);
      }

      @Override
      public void register(ExecutionStatsEvent e) {
        application.register(e);
      }
    };
  }
}
