package io.kairos.worker.cluster;

import com.github.kagkarlsson.scheduler.Scheduler;
import io.kairos.cluster.ClusterSwitch;
import io.kairos.concurrent.DaemonTimers;
import io.kairos.core.Kairos;
import io.kairos.execution.JobTasks;
import io.kairos.execution.RunningAttempts;
import io.kairos.worker.WorkerProperties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Follows the cluster-wide pause: every {@code kairos.worker.cluster-check} it reads the switch and
 * pauses or resumes db-scheduler's polling ({@code Scheduler.pause()} / {@code resume()}), so a
 * paused worker does not even poll. Heartbeats and dead-execution detection go on meanwhile. The
 * guarantee does not rest on this poll: every claim reads the switch in its statement, and an
 * attempt starting after this worker saw the pause reads it again and hands its execution back.
 */
@Component
public class ClusterPauseWatcher implements DisposableBean {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterPauseWatcher.class);

  private final Scheduler scheduler;
  private final ClusterSwitch cluster;
  private final RunningAttempts attempts;
  private final ScheduledExecutorService timer;

  ClusterPauseWatcher(
      Scheduler scheduler, Kairos kairos, JobTasks tasks, WorkerProperties properties) {
    this.scheduler = scheduler;
    this.attempts = tasks.attempts();
    this.cluster = kairos.cluster();
    // Before the scheduler starts polling: a worker started into a paused cluster claims nothing.
    check();
    this.timer = DaemonTimers.newTimer("kairos-cluster-pause");
    long every = properties.clusterCheck().toMillis();
    timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
  }

  void check() {
    try {
      boolean paused = cluster.paused();
      if (paused != scheduler.getSchedulerState().isPaused()) {
        if (paused) {
          scheduler.pause();
          LOG.info("Cluster paused: this worker starts no job until it is resumed");
        } else if (attempts.heldBack() == null) {
          // Not while the worker drains: it paused its own polling, for good.
          scheduler.resume();
          scheduler.triggerCheckForDueExecutions();
          LOG.info("Cluster resumed: this worker claims due jobs again");
        }
      }
    } catch (RuntimeException e) {
      // The database is unreachable: keep the current state; the next check tries again.
      LOG.warn("Could not read the cluster's pause switch: {}", e.toString());
    }
  }

  @Override
  public void destroy() {
    timer.shutdownNow();
  }
}
