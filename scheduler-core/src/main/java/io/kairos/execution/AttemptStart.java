package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import io.kairos.cluster.ClusterSwitch;
import io.kairos.job.JobContext;
import io.kairos.job.JobData;
import io.kairos.job.MisfirePolicy;
import io.kairos.job.SchedulePolicy;
import io.kairos.limits.StartAdmission;
import io.kairos.registry.RunHistoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The first step of an attempt: is it too late to run (misfire), and is the claim still this
 * worker's? An execution that waited in a local queue may have been declared dead and revived
 * elsewhere meanwhile; it must then not run here. The check is a read (no commit, nothing written):
 * the claim itself shows the execution running, and the attempt's history row is written at
 * completion, conditioned on the same claim. A claim the worker's lock-and-fetch made moments ago
 * is not read again (see {@link #freshClaim}).
 */
final class AttemptStart {

  /** How a start ended. */
  sealed interface Outcome permits Began, Missed, Skipped, NotClaimed, Held {}

  /** Started under the claim. */
  record Began(StartedAttempt attempt) implements Outcome {}

  /** A one-time job found later than its misfire grace: recorded MISSED, not run. */
  record Missed(JobContext context, String reason) implements Outcome {}

  /**
   * A recurring occurrence later than its misfire grace, under catch-up NONE: not run, recorded
   * MISSED; the job goes on to its next occurrence.
   */
  record Skipped(StartedAttempt attempt, String reason) implements Outcome {}

  /** Another worker holds the execution now; nothing runs or is recorded here. */
  record NotClaimed(JobContext context) implements Outcome {}

  /**
   * The cluster is paused, or this worker holds its attempts back (draining, or its database
   * session is gone): the attempt did not start and nothing was recorded; the claimed execution
   * must be handed back, unstarted.
   */
  record Held(JobContext context, String why) implements Outcome {}

  private final RunHistoryStore runs;
  private final ClaimStore claims;
  private final Clock clock;
  private final MisfirePolicy misfire;
  private final ClusterSwitch cluster;
  private final Duration claimTrustedFor;
  private final RunningAttempts attempts;
  private volatile Set<String> waitingOnLimits = Set.of();
  private volatile StartAdmission admission = StartAdmission.ALL;

  AttemptStart(
      RunHistoryStore runs,
      ClaimStore claims,
      Clock clock,
      MisfirePolicy misfire,
      ClusterSwitch cluster,
      Duration claimTrustedFor,
      RunningAttempts attempts) {
    this.claimTrustedFor = claimTrustedFor;
    this.attempts = attempts;
    this.runs = runs;
    this.claims = claims;
    this.clock = clock;
    this.misfire = misfire;
    this.cluster = cluster;
  }

  /**
   * @param claimedByLockAndFetch the worker's own lock-and-fetch claimed it ({@link
   *     ServedTypesLockAndFetch}), in a statement that claims nothing while the cluster is paused
   */
  Outcome begin(
      String type,
      TaskInstance<JobData> instance,
      Execution execution,
      boolean claimedByLockAndFetch) {
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
    String heldBack = attempts.heldBack();
    if (heldBack != null) {
      return new Held(context, heldBack);
    }
    Instant now = clock.now();
    Duration late = Duration.between(execution.executionTime, now);
    // A job without a grace of its own gets this worker's setting now, not the one in force when
    // it was created, so the setting can be changed for every such job at once.
    Duration grace = misfire.graceOf(data.misfireGrace());
    if (!data.schedule().recurring()
        && !waitingOnLimits.contains(type)
        && data.attempt() == 1
        && !data.recovered()
        && !MisfirePolicy.isNone(grace)
        && late.compareTo(grace) > 0) {
      // Read only for a job already late beyond its grace, so on-time starts cost no query.
      ClusterSwitch.State cluster = this.cluster.state();
      if (cluster.paused()) {
        return new Held(
            context,
            "the cluster is paused"); // judged after the resume, not while held back on purpose
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
    if (data.schedule().recurring()
        && data.schedule().effectivePolicy().catchUp() == SchedulePolicy.CatchUp.NONE
        && data.attempt() == 1
        && !data.recovered()
        && !MisfirePolicy.isNone(grace)
        && late.compareTo(grace) > 0) {
      ClusterSwitch.State cluster = this.cluster.state();
      if (cluster.paused()) {
        return new Held(context, "the cluster is paused");
      }
      // Recorded under the claim, as a run is: only if this worker still holds it.
      if (claims.startable(type, context.jobId(), execution.version, execution.pickedBy)
          == ClaimStore.Startable.YES) {
        return new Skipped(
            new StartedAttempt(context, data, execution, now),
            "due "
                + late.toSeconds()
                + " s ago, beyond its misfire grace of "
                + grace
                + "; its schedule catches up on none");
      }
    }
    if (claimedByLockAndFetch && freshClaim(execution, now)) {
      return began(type, context, data, execution, now);
    }
    ClaimStore.Startable startable =
        claims.startable(type, context.jobId(), execution.version, execution.pickedBy);
    if (startable == ClaimStore.Startable.NOT_CLAIMED) {
      return new NotClaimed(context);
    }
    if (startable == ClaimStore.Startable.CLUSTER_PAUSED) {
      return new Held(context, "the cluster is paused");
    }
    return began(type, context, data, execution, clock.now());
  }

  /** Began, unless a rate limit has no room for this start now (then held back, unstarted). */
  private Outcome began(
      String type, JobContext context, JobData data, Execution execution, Instant now) {
    Optional<Instant> admitted = admission.admit(type, context.jobId(), now);
    if (admitted.isEmpty()) {
      return new Held(context, "its rate limit is full");
    }
    return new Began(new StartedAttempt(context, data, execution, admitted.get()));
  }

  /**
   * Types whose jobs may wait on flow limits: not misfired for lateness; and who admits starts of
   * rate-limited types (see JobTasks).
   */
  void waitingOnLimits(Set<String> types, StartAdmission admission) {
    this.waitingOnLimits = Set.copyOf(types);
    this.admission = admission;
  }

  /**
   * Whether a claim of the worker's lock-and-fetch is too young for anyone to have revived it: then
   * the start needs no read. Its statement claims nothing in a paused cluster, and the dead-after
   * window has not begun to run out (the claim set its heartbeat). Under a pause this worker has
   * already seen, or for an older claim (it waited in the worker's queue), the claim is read again.
   */
  private boolean freshClaim(Execution execution, Instant now) {
    return !claimTrustedFor.isZero()
        && execution.lastHeartbeat != null
        && Duration.between(execution.lastHeartbeat, now).compareTo(claimTrustedFor) <= 0
        && !cluster.seenPaused();
  }
}
