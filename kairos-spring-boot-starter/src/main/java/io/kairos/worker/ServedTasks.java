package io.kairos.worker;

import com.github.kagkarlsson.scheduler.task.Task;
import java.util.List;

/**
 * The db-scheduler tasks a worker runs: one per job type it serves. Whatever scheduler the worker
 * has (its polling one, or the test kit's manual one) is built from these.
 */
public record ServedTasks(List<Task<?>> tasks) {

  public ServedTasks {
    tasks = List.copyOf(tasks);
  }
}
