package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import io.kairos.cluster.ClusterSwitch;
import io.kairos.job.JobContext;
import io.kairos.job.JobData;
import io.kairos.job.MisfirePolicy;
import io.kairos.registry.RunHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The first step of an attempt: is it too late to run (misfire), and is the claim still this
 * worker's? Only then is its history row written as RUNNING, in the same statement that checks the
 * claim, so an execution revived elsewhere while it waited here never runs here.
 */
final class AttemptStart {

  /** How a start ended. */
  sealed interface Outcome permits Began, Missed, NotClaimed, Held {}

  /** Started under the claim. */
  record Began(StartedAttempt attempt) implements Outcome {}

  /** A one-time job found later than its misfire grace: recorded MISSED, not run. */
  record Missed(JobContext context, String reason) implements Outcome {}

  /** Another worker holds the execution now; nothing runs or is recorded here. */
  record NotClaimed(JobContext context) implements Outcome {}

  /**
   * The cluster is paused: the attempt did not start and nothing was recorded; the claimed
   * execution must be handed back, unstarted.
   */
  record Held(JobContext context) implements Outcome {}

  private final RunHistory runs;
  private final Clock clock;
  private final MisfirePolicy misfire;
  private final ClusterSwitch cluster;

  AttemptStart(RunHistory runs, Clock clock, MisfirePolicy misfire, ClusterSwitch cluster) {
    this.runs = runs;
    this.clock = clock;
    this.misfire = misfire;
    this.cluster = cluster;
  }

  Outcome begin(String type, TaskInstance<JobData> instance, Execution execution) {
    JobData data = instance.getData();
    JobContext context =
        new JobContext(
            instance.getId(),
            type,
            execution.executionTime,
            data.attempt(),
            data.recovered(),
            execution.pickedBy,
            data.attempt() > 1
                ? runs.occurrenceOf(instance.getId(), execution.executionTime)
                : execution.executionTime);
    Instant now = clock.now();
    Duration late = Duration.between(execution.executionTime, now);
    // A job without a grace of its own gets this worker's setting now, not the one in force when
    // it was created, so the setting can be changed for every such job at once.
    Duration grace = misfire.graceOf(data.misfireGrace());
    if (!data.schedule().recurring()
        && data.attempt() == 1
        && !data.recovered()
        && !MisfirePolicy.isNone(grace)
        && late.compareTo(grace) > 0) {
      // Read only for a job already late beyond its grace, so on-time starts cost no query.
      ClusterSwitch.State cluster = this.cluster.state();
      if (cluster.paused()) {
        return new Held(context); // judged after the resume, not while held back on purpose
      }
      // An operator's pause holds jobs back on purpose: its time does not count as lateness.
      if (late.minus(cluster.pausedBetween(execution.executionTime, now)).compareTo(grace) > 0) {
        // The job was due long ago (the cluster was down or saturated). A one-time job later than
        // its grace is recorded MISSED rather than run late; recurring jobs coalesce instead.
        return new Missed(
            context,
            "due "
                + late.toSeconds()
                + " s ago, beyond its misfire grace of "
                + grace
                + (data.misfireGrace() == null ? " (the cluster's default)" : ""));
      }
    }
    OptionalLong runId =
        runs.startIfClaimed(
            context.jobId(),
            context.jobType(),
            context.scheduledFor(),
            context.node(),
            context.attempt(),
            context.recovered(),
            execution.version);
    if (runId.isEmpty()) {
      return cluster.paused() ? new Held(context) : new NotClaimed(context);
    }
    return new Began(new StartedAttempt(runId.getAsLong(), context, data, clock.now()));
  }
}
