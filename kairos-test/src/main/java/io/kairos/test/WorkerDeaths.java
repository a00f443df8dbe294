package io.kairos.test;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Plays a worker that dies after its handlers ran and before their results were recorded: while
 * {@link #during} runs, each execution's attempt runs in full (its handler and every side effect
 * the handler commits itself), and then nothing of it is written. The execution stays claimed, as a
 * dead worker's does, until dead-execution detection revives it.
 */
final class WorkerDeaths {

  private volatile boolean dying;

  /** Runs {@code run} with every result it produces lost. */
  int during(IntSupplier run) {
    dying = true;
    try {
      return run.getAsInt();
    } finally {
      dying = false;
    }
  }

  /** {@code tasks}, each losing its results while {@link #during} runs. */
  List<Task<?>> mortal(List<Task<?>> tasks) {
    return tasks.stream().<Task<?>>map(this::mortal).toList();
  }

  private <T> Task<T> mortal(Task<T> task) {
    return new MortalTask<>(task);
  }

  /** A task that records nothing of an attempt while its worker is dying. */
  private final class MortalTask<T> implements Task<T> {

    private final Task<T> task;

    MortalTask(Task<T> task) {
      this.task = task;
    }

    @Override
    public CompletionHandler<T> execute(TaskInstance<T> instance, ExecutionContext context) {
      CompletionHandler<T> completion = task.execute(instance, context);
      return dying ? (complete, operations) -> {} : completion;
    }

    @Override
    public String getName() {
      return task.getName();
    }

    @Override
    public Class<T> getDataClass() {
      return task.getDataClass();
    }

    @Override
    public TaskInstance<T> instance(String id) {
      return task.instance(id);
    }

    @Override
    public TaskInstance<T> instance(String id, T data) {
      return task.instance(id, data);
    }

    @Override
    public TaskInstance.Builder<T> instanceBuilder(String id) {
      return task.instanceBuilder(id);
    }

    @Override
    public TaskInstanceId instanceId(String id) {
      return task.instanceId(id);
    }

    @Override
    public SchedulableInstance<T> schedulableInstance(String id) {
      return task.schedulableInstance(id);
    }

    @Override
    public SchedulableInstance<T> schedulableInstance(String id, T data) {
      return task.schedulableInstance(id, data);
    }

    @Override
    public FailureHandler<T> getFailureHandler() {
      return task.getFailureHandler();
    }

    @Override
    public DeadExecutionHandler<T> getDeadExecutionHandler() {
      return task.getDeadExecutionHandler();
    }

    @Override
    public String getTaskName() {
      return task.getTaskName();
    }

    @Override
    public int getDefaultPriority() {
      return task.getDefaultPriority();
    }

    @Override
    public String toString() {
      return task.toString();
    }
  }
}
