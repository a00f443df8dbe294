package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.Resolvable;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.TaskResolver;
import com.github.kagkarlsson.scheduler.event.SchedulerListeners;
import com.github.kagkarlsson.scheduler.jdbc.JdbcTaskRepository;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.Task;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revives the executions of a worker known to be dead now — its database session ended — without
 * waiting for their heartbeats to go stale: each goes through its task's dead-execution handler
 * ({@link Revival}), exactly as db-scheduler's own dead-execution check would send it, with the
 * same version-checked reschedule (an execution the dead worker's last result or another node moved
 * meanwhile is left alone). Only the types this worker serves can be revived here; the others'
 * workers do theirs.
 */
public final class ImmediateRevival {

  private static final Logger LOG = LoggerFactory.getLogger(ImmediateRevival.class);

  private final TaskResolver tasks;
  private final JdbcTaskRepository repository;
  private final SchedulerListeners listeners = new SchedulerListeners(List.of());
  private final Clock clock;

  /**
   * @param dataSource the transaction-joining DataSource db-scheduler writes through, so a revival
   *     and its run-history row commit together
   */
  public ImmediateRevival(
      DataSource dataSource,
      String table,
      List<Task<?>> served,
      String nodeName,
      Serializer serializer,
      Clock clock,
      boolean persistTimestampInUtc) {
    this.clock = clock;
    this.tasks = new TaskResolver(listeners, clock, served);
    this.repository =
        new JdbcTaskRepository(
            dataSource,
            true,
            new PostgreSqlJdbcCustomization(false, persistTimestampInUtc),
            table,
            tasks,
            new SchedulerName.Fixed(nodeName),
            serializer,
            true,
            clock);
  }

  /**
   * Revives the execution if {@code deadNode} still holds it and this worker serves its type.
   *
   * @return whether it was revived here
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  public boolean revive(String deadNode, String taskName, String taskInstance) {
    try {
      Optional<Task> task = tasks.resolve(Resolvable.of(taskName, Instant.EPOCH), false);
      if (task.isEmpty()) {
        return false; // a type this worker does not serve: its own workers revive it
      }
      Optional<Execution> found = repository.getExecution(taskName, taskInstance);
      if (found.isEmpty() || !found.get().picked || !deadNode.equals(found.get().pickedBy)) {
        return false; // finished, or revived by another node, meanwhile
      }
      Execution execution = found.get();
      Instant now = clock.now();
      task.get()
          .getDeadExecutionHandler()
          .deadExecution(
              ExecutionComplete.failure(execution, now, now, null),
              new ExecutionOperations(repository, listeners, execution));
      return true;
    } catch (RuntimeException e) {
      // As db-scheduler's own check: the stale heartbeat brings it back later.
      LOG.warn(
          "Could not revive {}/{} of dead node {} at once: {}",
          taskName,
          taskInstance,
          deadNode,
          e.toString());
      return false;
    }
  }
}
