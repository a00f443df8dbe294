package io.kairos.worker.node;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PublishedTypes;
import io.kairos.concurrent.DaemonTimers;
import io.kairos.node.NodeStore;
import io.kairos.node.WorkerNode;
import io.kairos.worker.WorkerProperties;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps this worker's row in the nodes table fresh, and orders shutdown: on SIGTERM the node is
 * marked DRAINING, the scheduler stops claiming, in-flight executions finish (up to {@code
 * db-scheduler.shutdown-max-wait}) while their heartbeats continue, and only then do heartbeats
 * stop and the node is marked STOPPED.
 */
@Component
public class WorkerLifecycle implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerLifecycle.class);

  private final Scheduler scheduler;
  private final NodeStore nodes;
  private final PublishedTypes publishedTypes;
  private final JobCatalogue catalogue;
  private final String nodeName;
  private final long reportMillis;
  private final Duration deadAfter;
  private volatile ScheduledExecutorService reporter;
  private volatile WorkerNode.State state = WorkerNode.State.STOPPED;

  WorkerLifecycle(
      Scheduler scheduler,
      NodeStore nodes,
      PublishedTypes publishedTypes,
      JobCatalogue catalogue,
      WorkerProperties properties,
      DbSchedulerProperties dbScheduler) {
    this.scheduler = scheduler;
    this.nodes = nodes;
    this.publishedTypes = publishedTypes;
    this.catalogue = catalogue;
    this.nodeName = properties.nodeName();
    this.reportMillis = dbScheduler.getHeartbeatInterval().toMillis();
    this.deadAfter =
        dbScheduler.getHeartbeatInterval().multipliedBy(dbScheduler.getMissedHeartbeatsLimit());
  }

  @Override
  public void start() {
    try {
      nodes.register(
          nodeName,
          WorkerProperties.hostName(),
          ManagementFactory.getRuntimeMXBean().getPid(),
          deadAfter);
    } catch (NodeStore.NodeNameInUse e) {
      // Two workers under one name would share picked_by and take each other's executions for
      // their own: refuse to start rather than run beside the live one.
      throw new IllegalStateException(
          "kairos.worker.node-name must be unique in the cluster: "
              + e.getMessage()
              + "; give this worker another name, or stop that worker first");
    }
    // The types this node serves, with their payload schemas: the API checks new jobs of an
    // application's own types against them, and shows which live nodes serve each type.
    publishedTypes.publish(nodeName, catalogue.types());
    state = WorkerNode.State.RUNNING;
    reporter = DaemonTimers.newTimer("kairos-node-report");
    reporter.scheduleWithFixedDelay(
        this::report, reportMillis, reportMillis, TimeUnit.MILLISECONDS);
    LOG.info("Worker node {} registered", nodeName);
  }

  @Override
  public void stop() {
    state = WorkerNode.State.DRAINING;
    report();
    LOG.info(
        "Worker node {} draining: no new claims, waiting for {} in-flight executions",
        nodeName,
        scheduler.getCurrentlyExecuting().size());
    scheduler.stop();
    state = WorkerNode.State.STOPPED;
    report();
    reporter.shutdownNow();
    LOG.info("Worker node {} stopped", nodeName);
  }

  @Override
  public boolean isRunning() {
    return state != WorkerNode.State.STOPPED;
  }

  /** Stops before the web server and the connection pool go away. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 1000;
  }

  private void report() {
    try {
      nodes.report(nodeName, state, scheduler.getCurrentlyExecuting().size());
    } catch (RuntimeException e) {
      LOG.warn("Could not refresh node {} in the nodes table: {}", nodeName, e.getMessage());
    }
  }
}
