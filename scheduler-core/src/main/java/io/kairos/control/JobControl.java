package io.kairos.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.job.Job;
import io.kairos.job.JobData;
import io.kairos.job.JobFilter;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.JobStateConflict;
import io.kairos.job.NewJob;
import io.kairos.job.OperatorJobException;
import io.kairos.job.ScheduleSpec;
import io.kairos.job.StaleJobVersion;
import io.kairos.job.UnknownJobException;
import io.kairos.registry.JobStore;
import io.kairos.wakeup.DueListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Changes existing jobs: reschedule, run now, pause, resume, cancel. Each call is one transaction
 * that touches only executions no worker has claimed, in the statement that changes them; a job
 * whose execution is claimed (RUNNING) is refused with a {@link JobStateConflict} naming the
 * worker, and nothing changes. So a change can never race a worker's completion, which rewrites the
 * row of the execution it claimed (db-scheduler issue #422). The caller may retry once the attempt
 * ended.
 *
 * <p>Pausing moves the execution out of {@code scheduled_tasks} into the job row, keeping its next
 * run time and task data; resuming puts it back: a one-time job at its kept time (at once if that
 * passed), a recurring job at its kept time if still ahead, else at its next occurrence after now
 * (occurrences missed while paused are not made up).
 *
 * <p>Jobs of the operators ({@link JobSource#CONFIG}) and of Kairos ({@link JobSource#SYSTEM}) are
 * changed only by a {@link Caller#operator operator}: a client's change is refused with an {@link
 * OperatorJobException} before anything is written, and cancelling a group leaves them alone. The
 * methods that take only the caller's name act for a client. A job's source never changes while its
 * row exists, so checking it in the transaction before the change is as good as in the statement.
 */
public final class JobControl {

  /** How often a change is tried again when the execution changed under it (not claimed). */
  private static final int ATTEMPTS = 5;

  private final ControlStore store;
  private final JobStore jobs;
  private final TransactionOperations transactions;
  private final Clock clock;
  private final DueListener dueListener;

  public JobControl(
      ControlStore store,
      JobStore jobs,
      TransactionOperations transactions,
      Clock clock,
      DueListener dueListener) {
    this.store = store;
    this.jobs = jobs;
    this.transactions = transactions;
    this.clock = clock;
    this.dueListener = dueListener;
  }

  /**
   * Who asks: {@code name} is recorded as {@code updated_by}; only an {@code operator} may act on
   * jobs of the operators or of Kairos.
   */
  public record Caller(String name, boolean operator) {

    /** A client of the API: may act on API jobs only. */
    public static Caller client(String name) {
      return new Caller(name, false);
    }

    /** An operator (an admin key, or Kairos acting for one): may act on every job. */
    public static Caller operator(String name) {
      return new Caller(name, true);
    }
  }

  /**
   * What a PATCH may change; null fields stay as they are. {@code payload} is the whole new payload
   * as it is stored (secrets sealed). {@code ifVersion}, when given, is the {@link Job#version()}
   * the caller read: the change is refused when the job's definition is another one by now.
   */
  public record Change(
      ScheduleSpec schedule,
      Integer priority,
      Integer maxAttempts,
      JsonNode payload,
      String ifVersion) {

    public Change(ScheduleSpec schedule, Integer priority, Integer maxAttempts) {
      this(schedule, priority, maxAttempts, null, null);
    }

    public Change {
      if (priority != null) {
        NewJob.checkPriority(priority);
      }
      if (maxAttempts != null) {
        NewJob.checkMaxAttempts(maxAttempts);
      }
    }
  }

  /** The outcome of cancelling a group: the jobs cancelled and those left running. */
  public record GroupCancellation(List<String> cancelled, List<ControlStore.RunningJob> running) {}

  public Job change(String id, Change change, String by) {
    return change(id, change, Caller.client(by));
  }

  public Job change(String id, Change change, Caller caller) {
    String by = caller.name();
    Job changed =
        retrying(
            () -> {
              refuseUnlessAllowed(id, caller, "change");
              Job job = require(id);
              refuseUnlessPendingOrPaused(job, "changed");
              ScheduleSpec schedule =
                  change.schedule() != null ? change.schedule() : job.schedule();
              JsonNode payload = change.payload() != null ? change.payload() : job.payload();
              int priority = change.priority() != null ? change.priority() : job.priority();
              int maxAttempts =
                  change.maxAttempts() != null ? change.maxAttempts() : job.maxAttempts();
              boolean rescheduled = !schedule.equals(job.schedule());
              Instant now = clock.now();
              boolean done;
              if (job.state() == JobState.PAUSED) {
                ControlStore.PausedExecution paused = store.lockPaused(id).orElse(null);
                done =
                    paused != null
                        && store.changePaused(
                            id,
                            rescheduled ? schedule.firstExecution(now) : paused.executionTime(),
                            paused.data().changed(payload, schedule, maxAttempts));
              } else {
                ControlStore.ExecutionRow execution = store.execution(job.type(), id).orElse(null);
                done =
                    execution != null
                        && !execution.picked()
                        && store.changeExecution(
                            job.type(),
                            id,
                            execution.version(),
                            rescheduled ? schedule.firstExecution(now) : execution.executionTime(),
                            execution.data().changed(payload, schedule, maxAttempts),
                            priority);
              }
              if (!done) {
                return Optional.empty();
              }
              // Checked only now: every change of a job writes its execution first, so while this
              // transaction holds that row the definition read here cannot change before commit.
              Job current = require(id);
              if (change.ifVersion() != null && !change.ifVersion().equals(current.version())) {
                throw new StaleJobVersion(id, current.version());
              }
              store.changeDefinition(id, payload, schedule, priority, maxAttempts, by);
              return Optional.of(require(id));
            });
    notifyIfPending(changed);
    return changed;
  }

  public Job runNow(String id, String by) {
    return runNow(id, Caller.client(by));
  }

  public Job runNow(String id, Caller caller) {
    String by = caller.name();
    Job ran =
        retrying(
            () -> {
              refuseUnlessAllowed(id, caller, "run");
              Job job = require(id);
              if (job.state() == JobState.PAUSED) {
                throw new JobStateConflict(job, "job '" + id + "' is paused; resume it first");
              }
              refuseUnlessPendingOrPaused(job, "run now");
              if (!store.runNow(job.type(), id, clock.now())) {
                return Optional.empty();
              }
              store.touch(id, by);
              return Optional.of(require(id));
            });
    notifyIfPending(ran);
    return ran;
  }

  public Job pause(String id, String by) {
    return pause(id, Caller.client(by));
  }

  public Job pause(String id, Caller caller) {
    String by = caller.name();
    return retrying(
        () -> {
          refuseUnlessAllowed(id, caller, "pause");
          if (store.pause(id, by)) {
            return Optional.of(require(id));
          }
          Job job = require(id);
          if (job.state() == JobState.PAUSED) {
            return Optional.of(job); // pausing twice is pausing once
          }
          refuseUnlessPendingOrPaused(job, "paused");
          return Optional.empty();
        });
  }

  public Job resume(String id, String by) {
    return resume(id, Caller.client(by));
  }

  public Job resume(String id, Caller caller) {
    Job resumed = resumeIfPaused(id, caller);
    if (resumed != null) {
      return resumed;
    }
    Job job = require(id);
    if (job.state().terminal()) {
      throw new JobStateConflict(
          job, "job '" + id + "' is " + job.state() + " and cannot be resumed");
    }
    return job; // not paused: resuming is a no-op
  }

  /** Resumes the job if it is paused, in one transaction; null when it was not paused. */
  private Job resumeIfPaused(String id, Caller caller) {
    String by = caller.name();
    Job resumed =
        transactions.execute(
            tx -> {
              refuseUnlessAllowed(id, caller, "resume");
              ControlStore.PausedExecution paused = store.lockPaused(id).orElse(null);
              if (paused == null) {
                return null;
              }
              Instant now = clock.now();
              JobData data = paused.data();
              Instant next = paused.executionTime();
              if (next.isBefore(now)) {
                if (data.schedule().recurring()) {
                  next = data.schedule().nextExecution(next, now);
                  data = data.nextOccurrence();
                } else {
                  next = now;
                }
              }
              store.resume(id, paused, data, next, by);
              return require(id);
            });
    if (resumed != null) {
      notifyIfPending(resumed);
    }
    return resumed;
  }

  public Job cancel(String id, String by) {
    return cancel(id, Caller.client(by));
  }

  public Job cancel(String id, Caller caller) {
    String by = caller.name();
    return retrying(
        () -> {
          refuseUnlessAllowed(id, caller, "cancel");
          if (store.cancel(id, by)) {
            return Optional.of(require(id));
          }
          Job job = require(id);
          if (job.state() == JobState.CANCELLED) {
            return Optional.of(job); // cancelling twice is cancelling once
          }
          refuseUnlessPendingOrPaused(job, "cancelled");
          return Optional.empty();
        });
  }

  /**
   * Cancels every job of the group that is not running, in one transaction. Running jobs are left
   * alone and listed, so the caller can cancel them once their attempt ended. A client's call
   * leaves the jobs of the operators and of Kairos alone (they are neither cancelled nor listed).
   */
  public GroupCancellation cancelGroup(String group, String by) {
    return cancelGroup(group, Caller.client(by));
  }

  public GroupCancellation cancelGroup(String group, Caller caller) {
    return transactions.execute(
        tx ->
            new GroupCancellation(
                store.cancelGroup(group, caller.name(), caller.operator()),
                store.runningInGroup(group, caller.operator())));
  }

  /** Refuses a client's action on a job of the operators or of Kairos; unknown ids pass. */
  private void refuseUnlessAllowed(String id, Caller caller, String action) {
    OperatorJobs.refuseUnlessAllowed(store, id, caller.operator(), action);
  }

  /** The outcome of pausing many jobs: those paused and those left running. */
  public record BulkPause(List<String> paused, List<ControlStore.RunningJob> running) {}

  /** How many jobs resuming many found paused and resumed. */
  public record BulkResume(List<String> resumed) {}

  /** Jobs resumed per page read; each job is resumed in its own transaction. */
  private static final int RESUME_PAGE = 200;

  /**
   * Pauses every pending job created through the API of the group and/or type ({@code filter.state}
   * is ignored), in one transaction: the per-job pause applied to the selection. Running jobs are
   * left alone and listed, as cancelling a group lists them; pause them once their attempt ended.
   * Jobs added to the group or type later are not paused.
   */
  public BulkPause pauseAll(JobFilter filter, String by) {
    requireSelection(filter);
    return transactions.execute(
        tx -> new BulkPause(store.pauseAll(filter, by), store.runningAmong(filter)));
  }

  /**
   * Resumes every paused job created through the API of the group and/or type, each as {@link
   * #resume} does, in its own transaction (a large selection never holds locks for long). A job
   * resumed or cancelled meanwhile by someone else is skipped.
   */
  public BulkResume resumeAll(JobFilter filter, String by) {
    requireSelection(filter);
    List<String> resumed = new ArrayList<>();
    String after = null;
    while (true) {
      List<String> page = store.pausedAmong(filter, after, RESUME_PAGE);
      for (String id : page) {
        Job job = resumeIfPaused(id, Caller.client(by));
        if (job != null) {
          resumed.add(id);
        }
      }
      if (page.size() < RESUME_PAGE) {
        return new BulkResume(resumed);
      }
      after = page.get(page.size() - 1);
    }
  }

  private static void requireSelection(JobFilter filter) {
    if (filter.group() == null && filter.type() == null) {
      throw new IllegalArgumentException("a group or a type is required");
    }
  }

  private Job require(String id) {
    return jobs.find(id).orElseThrow(() -> new UnknownJobException(id));
  }

  private static void refuseUnlessPendingOrPaused(Job job, String action) {
    if (job.state() == JobState.RUNNING) {
      throw new JobStateConflict(
          job,
          "job '"
              + job.id()
              + "' is running on "
              + job.runningOn()
              + " and cannot be "
              + action
              + " until that attempt ends");
    }
    if (job.state().terminal()) {
      throw new JobStateConflict(
          job, "job '" + job.id() + "' is " + job.state() + " and cannot be " + action);
    }
  }

  /**
   * Runs {@code step} in a transaction until it reports a result. A step reports nothing when the
   * execution changed between reading and writing it without being claimed (a worker rescheduled
   * it, or another API call changed it); the next try sees the new state.
   */
  private Job retrying(Supplier<Optional<Job>> step) {
    for (int i = 0; i < ATTEMPTS; i++) {
      Optional<Job> result = transactions.execute(tx -> step.get());
      if (result.isPresent()) {
        return result.get();
      }
    }
    throw new io.kairos.job.JobChangedMeanwhile(null);
  }

  private void notifyIfPending(Job job) {
    if (job.state() == JobState.SCHEDULED && job.nextRunAt() != null) {
      dueListener.scheduled(job.nextRunAt());
    }
  }
}
