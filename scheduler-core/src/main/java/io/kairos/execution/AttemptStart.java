package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import io.kairos.job.JobContext;
import io.kairos.job.JobData;
import io.kairos.job.NewJob;
import io.kairos.registry.JobRegistry;
import io.kairos.registry.RunHistory;
import java.time.Duration;

/**
 * The first step of an attempt: is it too late to run (misfire), and is the claim still this
 * worker's? An execution that waited in a local queue may have been declared dead and revived
 * elsewhere meanwhile; it must then not run here. The check is a read (no commit, nothing written):
 * the claim itself shows the execution running, and the attempt's history row is written at
 * completion, conditioned on the same claim.
 */
final class AttemptStart {

  /** How a start ended. */
  sealed interface Outcome permits Began, Missed, NotClaimed {}

  /** Started under the claim. */
  record Began(StartedAttempt attempt) implements Outcome {}

  /** A one-time job found later than its misfire grace: recorded MISSED, not run. */
  record Missed(JobContext context, String reason) implements Outcome {}

  /** Another worker holds the execution now; nothing runs or is recorded here. */
  record NotClaimed(JobContext context) implements Outcome {}

  private final RunHistory runs;
  private final JobRegistry jobs;
  private final Clock clock;

  AttemptStart(RunHistory runs, JobRegistry jobs, Clock clock) {
    this.runs = runs;
    this.jobs = jobs;
    this.clock = clock;
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
    Duration late = Duration.between(execution.executionTime, clock.now());
    Duration grace =
        data.misfireGrace() == null ? NewJob.DEFAULT_MISFIRE_GRACE : data.misfireGrace();
    if (!data.schedule().recurring()
        && data.attempt() == 1
        && !data.recovered()
        && late.compareTo(grace) > 0) {
      // The job was due long ago (the cluster was down or saturated). A one-time job later than its
      // grace is recorded MISSED rather than run late; recurring jobs coalesce instead.
      return new Missed(
          context, "due " + late.toSeconds() + " s ago, beyond its misfire grace of " + grace);
    }
    if (!jobs.stillClaimed(type, context.jobId(), execution.version, execution.pickedBy)) {
      return new NotClaimed(context);
    }
    return new Began(new StartedAttempt(context, data, execution, clock.now()));
  }
}
