package io.kairos.execution;

import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import java.time.Instant;

/**
 * Told, after commit, of each execution a completion rescheduled (next occurrence, retry) — what
 * db-scheduler's {@code SchedulerListener.onExecutionScheduled} hears of its own reschedules, which
 * completions written in groups do not go through. Must not block.
 */
@FunctionalInterface
public interface RescheduleListener {

  RescheduleListener NONE = (execution, at) -> {};

  void rescheduled(TaskInstanceId execution, Instant at);
}
