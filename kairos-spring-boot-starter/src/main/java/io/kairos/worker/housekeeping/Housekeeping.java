package io.kairos.worker.housekeeping;

import io.kairos.housekeeping.Housekeeper;
import io.kairos.watchdog.StaleJobWatchdog;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Cluster chores as Spring {@code @Scheduled} methods, each guarded by a ShedLock lock in the
 * {@code shedlock} table so one worker at a time runs it. They must not depend on db-scheduler: the
 * watchdog exists to notice when db-scheduler is not doing its job.
 */
public class Housekeeping {

  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

  private final Housekeeper housekeeper;
  private final StaleJobWatchdog watchdog;
  private final HousekeepingProperties properties;

  public Housekeeping(
      Housekeeper housekeeper, StaleJobWatchdog watchdog, HousekeepingProperties properties) {
    this.housekeeper = housekeeper;
    this.watchdog = watchdog;
    this.properties = properties;
  }

  @Scheduled(
      initialDelayString = "${kairos.housekeeping.prune-every:1m}",
      fixedDelayString = "${kairos.housekeeping.prune-every:1m}")
  @SchedulerLock(name = "kairos-prune", lockAtMostFor = "PT10M", lockAtLeastFor = "PT5S")
  public void prune() {
    int partitions = housekeeper.addHistoryPartitions();
    if (partitions > 0) {
      LOG.info("Housekeeping added {} history partitions ahead", partitions);
    }
    long runs = housekeeper.pruneHistory(properties.historyRetention());
    long jobs = housekeeper.pruneFinishedJobs(properties.historyRetention());
    long deadOrCancelled = housekeeper.pruneDeadAndCancelledJobs(properties.deadRetention());
    long nodes = housekeeper.pruneNodes(properties.nodeRetention());
    if (runs + jobs + deadOrCancelled + nodes > 0) {
      LOG.info(
          "Housekeeping pruned {} history rows, {} finished jobs, {} dead or cancelled jobs, {}"
              + " worker nodes",
          runs,
          jobs,
          deadOrCancelled,
          nodes);
    }
  }

  @Scheduled(
      initialDelayString = "${kairos.housekeeping.watchdog-every:30s}",
      fixedDelayString = "${kairos.housekeeping.watchdog-every:30s}")
  @SchedulerLock(name = "kairos-watchdog", lockAtMostFor = "PT5M", lockAtLeastFor = "PT1S")
  public void watch() {
    StaleJobWatchdog.Report report = watchdog.check();
    for (String id : report.newlyStale()) {
      String type = report.unserved().get(id);
      if (type != null) {
        LOG.warn("Job {} is stale: no live worker serves type {}", id, type);
      } else {
        LOG.warn("Job {} is stale: it has not run as its schedule says it should", id);
      }
    }
    if (report.newlyStaleCount() > report.newlyStale().size()) {
      LOG.warn(
          "{} more jobs are stale, {} in all (the first {} are named above){}",
          report.newlyStaleCount() - report.newlyStale().size(),
          report.stale(),
          report.newlyStale().size(),
          report.more() ? "; the next check marks the rest" : "");
    }
    for (String id : report.freshAgain()) {
      LOG.info("Job {} is no longer stale", id);
    }
    if (report.freshAgainCount() > report.freshAgain().size()) {
      LOG.info(
          "{} more jobs are no longer stale",
          report.freshAgainCount() - report.freshAgain().size());
    }
  }
}
