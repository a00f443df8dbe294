package io.kairos.worker.node;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PublishedTypes;
import io.kairos.concurrent.DaemonTimers;
import io.kairos.core.Kairos;
import io.kairos.execution.ImmediateRevival;
import io.kairos.execution.JobTasks;
import io.kairos.execution.RunningAttempts;
import io.kairos.node.NodeSession;
import io.kairos.node.NodeSessionStore;
import io.kairos.node.NodeStore;
import io.kairos.node.SessionWatch;
import io.kairos.node.WorkerNode;
import io.kairos.worker.WorkerProperties;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This worker's life in the cluster. At start it takes its session lock ({@link NodeSession}),
 * registers, and watches the other nodes' sessions ({@link SessionWatch}): a node whose process
 * died is seen in two looks and its executions are revived at once. If this worker's own session
 * ends, it stops its attempts at once, before the others may revive them. It keeps its row in the
 * nodes table fresh.
 *
 * <p>On SIGTERM it drains: marked DRAINING, it claims nothing more, hands back at once what it
 * claimed but has not started, and lets its running attempts finish within {@code
 * kairos.worker.drain-timeout}. Then it is marked STOPPED and exits; or, if attempts still run, it
 * stops them and ends its session while still DRAINING, so the others revive them at once.
 */
@Component
public class WorkerLifecycle implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerLifecycle.class);
  private static final String SESSION_LOST = "this worker lost its database session";
  private static final String DRAINING = "this worker is draining";

  private final Scheduler scheduler;
  private final NodeStore nodes;
  private final NodeSessionStore sessions;
  private final Kairos kairos;
  private final JobTasks tasks;
  private final RunningAttempts attempts;
  private final ImmediateRevival revival;
  private final PublishedTypes publishedTypes;
  private final JobCatalogue catalogue;
  private final String nodeName;
  private final long reportMillis;
  private final Duration deadAfter;
  private final Duration sessionCheck;
  private final Duration drainTimeout;
  private volatile ScheduledExecutorService reporter;
  private volatile NodeSession session;
  private volatile SessionWatch watch;
  private volatile WorkerNode.State state = WorkerNode.State.STOPPED;

  WorkerLifecycle(
      Scheduler scheduler,
      Kairos kairos,
      DataSource dataSource,
      JobTasks tasks,
      ImmediateRevival revival,
      PublishedTypes publishedTypes,
      JobCatalogue catalogue,
      WorkerProperties properties,
      DbSchedulerProperties dbScheduler) {
    this.scheduler = scheduler;
    this.kairos = kairos;
    this.nodes = kairos.nodes();
    this.sessions = new NodeSessionStore(dataSource, kairos.schema());
    this.tasks = tasks;
    this.attempts = tasks.attempts();
    this.revival = revival;
    this.publishedTypes = publishedTypes;
    this.catalogue = catalogue;
    this.nodeName = properties.nodeName();
    this.reportMillis = dbScheduler.getHeartbeatInterval().toMillis();
    this.deadAfter =
        dbScheduler.getHeartbeatInterval().multipliedBy(dbScheduler.getMissedHeartbeatsLimit());
    this.sessionCheck = properties.sessionCheck();
    this.drainTimeout = properties.drainTimeout();
  }

  @Override
  public void start() {
    try {
      session = new NodeSession(sessions, nodes, nodeName);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot take this worker's session lock", e);
    }
    try {
      nodes.register(
          nodeName,
          WorkerProperties.hostName(),
          ManagementFactory.getRuntimeMXBean().getPid(),
          deadAfter,
          session.held());
    } catch (NodeStore.NodeNameInUse e) {
      session.close();
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
    session.watch(new Fence(), () -> state);
    watch =
        new SessionWatch(
            sessions,
            kairos.transactions(),
            nodeName,
            sessionCheck,
            (dead, executions) -> {
              boolean revived = false;
              for (NodeSessionStore.Claim claim : executions) {
                revived |= revival.revive(dead, claim.taskName(), claim.taskInstance());
              }
              if (revived) {
                scheduler.triggerCheckForDueExecutions();
              }
            });
    reporter = DaemonTimers.newTimer("kairos-node-report");
    reporter.scheduleWithFixedDelay(
        this::report, reportMillis, reportMillis, TimeUnit.MILLISECONDS);
    LOG.info("Worker node {} registered", nodeName);
  }

  /** Stops this worker's attempts the moment its session ends, before others revive them. */
  private final class Fence implements NodeSession.Fence {
    @Override
    public void lost() {
      attempts.holdBack(SESSION_LOST);
      int revoked = attempts.revokeAll(SESSION_LOST + "; other workers may run it again");
      if (revoked > 0) {
        LOG.warn("Stopped {} running attempts: {}", revoked, SESSION_LOST);
      }
    }

    @Override
    public void restored(boolean reincarnated) {
      if (state == WorkerNode.State.RUNNING) {
        attempts.resume();
      }
    }
  }

  @Override
  public void stop() {
    long began = System.nanoTime();
    state = WorkerNode.State.DRAINING;
    attempts.holdBack(DRAINING);
    scheduler.pause();
    report();
    int handedBack = tasks.handBackUnstarted();
    LOG.info(
        "Worker node {} draining: no new claims, {} unstarted handed back, waiting up to {} for {}"
            + " running attempts",
        nodeName,
        handedBack,
        drainTimeout,
        attempts.size());
    long deadline = began + drainTimeout.toNanos();
    while (busy() && System.nanoTime() < deadline) {
      sleep(20);
    }
    boolean finished = !busy();
    if (!finished) {
      int revoked = attempts.revokeAll("drain timeout: the worker is stopping");
      LOG.warn(
          "Worker node {}: {} attempts still running after {}; stopped, and handed to the other"
              + " workers",
          nodeName,
          revoked,
          drainTimeout);
    }
    watch.close();
    Thread stopping = new Thread(scheduler::stop, "kairos-scheduler-stop");
    stopping.setDaemon(true);
    stopping.start();
    try {
      stopping.join(finished ? 10_000 : 2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reporter.shutdownNow();
    if (finished) {
      state = WorkerNode.State.STOPPED;
      report();
    }
    // Ends the session: a node still DRAINING without its session is declared dead by the others,
    // who revive what it still held at once.
    session.close();
    state = WorkerNode.State.STOPPED;
    LOG.info(
        "Worker node {} {} after {} ms",
        nodeName,
        finished ? "stopped" : "left its remaining executions to the others",
        Duration.ofNanos(System.nanoTime() - began).toMillis());
  }

  private boolean busy() {
    return attempts.size() > 0 || !scheduler.getCurrentlyExecuting().isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
