package io.kairos.control;

import io.kairos.catalogue.PayloadSecrets;
import io.kairos.catalogue.SealedJob;
import io.kairos.job.Job;
import io.kairos.job.JobConflict;
import io.kairos.job.JobSource;
import io.kairos.job.JobStateConflict;
import io.kairos.job.NewJob;
import io.kairos.registry.JobStore;
import io.kairos.wakeup.DueListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Creates jobs: the registry row and db-scheduler's execution in one transaction, so a job is
 * either fully scheduled or not there at all. Re-submitting an id with the same request is a no-op
 * that returns the existing job; with a different request it is a {@link JobConflict}. {@link
 * #replace} gives an id a new definition whole instead.
 */
public final class JobSubmitter {

  /** How often a replacement is tried again when the job changed under it. */
  private static final int ATTEMPTS = 5;

  private final JobStore jobs;
  private final TransactionOperations transactions;
  private final DueListener dueListener;
  private final PayloadSecrets secrets;

  public JobSubmitter(
      JobStore jobs,
      TransactionOperations transactions,
      DueListener dueListener,
      PayloadSecrets secrets) {
    this.jobs = jobs;
    this.transactions = transactions;
    this.dueListener = dueListener;
    this.secrets = secrets;
  }

  /** Creates a job for a client of the API ({@link JobSource#API}). */
  public Submission submit(NewJob job) {
    return submit(job, JobSource.API);
  }

  /**
   * Creates a job that belongs to {@code source}: {@link JobSource#SYSTEM} for the jobs Kairos
   * keeps for something else it manages (an OAuth credential's refresh job), which clients may not
   * change. A replay must come from the same source.
   */
  public Submission submit(NewJob job, JobSource source) {
    SealedJob sealed = secrets.seal(job);
    // One statement, committed by itself: the row and its execution, the job built from them.
    Optional<Job> created = jobs.createAlone(sealed, source);
    if (created.isPresent()) {
      dueListener.scheduled(created.get().nextRunAt());
      return new Submission(created.get(), true);
    }
    // The id is taken: a replay or a conflict, told apart by the job as stored.
    Submitted outcome = outcome(job, jobs.find(job.id()).orElse(null), false, source);
    if (outcome.result() == Result.CONFLICT) {
      throw new JobConflict(job.id());
    }
    return new Submission(outcome.job(), outcome.result() == Result.CREATED);
  }

  /**
   * Creates many jobs for clients of the API in one transaction, each exactly as {@link #submit}
   * would: created, replayed (same id, same request) or refused as a conflict (same id, different
   * request; nothing written for it). Conflicts do not stop the others; a database error fails them
   * all, so either every job reported created exists or none does. Ids must be distinct. Workers
   * are woken once for the jobs due now, not once per job.
   *
   * @return one outcome per job, in the order given
   */
  public List<Submitted> submitAll(List<NewJob> jobs) {
    return submitAll(jobs, JobSource.API);
  }

  private List<Submitted> submitAll(List<NewJob> jobs, JobSource source) {
    // Secret values are sealed before any statement sees them: neither the rows nor a database
    // error about them can carry the plain value. The request hash was computed by the caller
    // over the plain request, so a replay still matches.
    List<SealedJob> sealed = jobs.stream().map(secrets::seal).toList();
    List<Submitted> outcomes = transactions.execute(tx -> insert(sealed, source));
    wake(outcomes);
    return outcomes;
  }

  private List<Submitted> insert(List<SealedJob> batch, JobSource source) {
    Set<String> created = jobs.createAll(batch, source);
    Map<String, Job> stored = jobs.findAll(batch.stream().map(SealedJob::id).toList());
    List<Submitted> outcomes = new ArrayList<>(batch.size());
    for (NewJob job : batch.stream().map(SealedJob::job).toList()) {
      outcomes.add(outcome(job, stored.get(job.id()), created.contains(job.id()), source));
    }
    return outcomes;
  }

  /** What submitting {@code job} did, given the job now stored at its id. */
  private static Submitted outcome(NewJob job, Job existing, boolean created, JobSource source) {
    if (existing == null) {
      throw new IllegalStateException("job '" + job.id() + "' vanished while being created");
    }
    Result result;
    if (created) {
      result = Result.CREATED;
    } else if (existing.requestHash().equals(job.requestHash()) && existing.source() == source) {
      result = Result.REPLAYED;
    } else {
      result = Result.CONFLICT;
    }
    return new Submitted(job.id(), result == Result.CONFLICT ? null : existing, result);
  }

  /** Workers are woken for the jobs created, once for all those due now. */
  private void wake(List<Submitted> outcomes) {
    dueListener.scheduledAll(
        outcomes.stream()
            .filter(outcome -> outcome.result() == Result.CREATED)
            .map(outcome -> outcome.job().nextRunAt())
            .toList());
  }

  /**
   * Creates the job, or replaces the id's job whole with this definition (see {@link
   * JobStore#replace}), in one transaction. The same definition again changes nothing, whatever the
   * job's state: a client retrying a request whose answer it lost never runs a job twice. A running
   * job is refused with a {@link JobStateConflict} naming the worker (nothing changed; retry once
   * the attempt ended); a declared job with a {@link JobConflict}.
   */
  public Replacement replace(NewJob job) {
    SealedJob sealed = secrets.seal(job);
    for (int i = 0; i < ATTEMPTS; i++) {
      Replacement replacement =
          transactions.execute(
              tx -> {
                JobStore.Replaced outcome = jobs.replace(sealed);
                switch (outcome) {
                  case CHANGED_MEANWHILE -> {
                    tx.setRollbackOnly(); // undo a dropped execution; the next try reads anew
                    return null;
                  }
                  case RUNNING -> {
                    Job running = jobs.find(job.id()).orElseThrow();
                    throw new JobStateConflict(
                        running,
                        "job '"
                            + job.id()
                            + "' is running on "
                            + running.runningOn()
                            + " and cannot be replaced until that attempt ends");
                  }
                  case DECLARED ->
                      throw new JobConflict(
                          job.id(),
                          "job '"
                              + job.id()
                              + "' was not created through the API (it is declared in kairos.jobs,"
                              + " or one of Kairos's own) and cannot be replaced through it");
                  default -> {
                    return new Replacement(jobs.find(job.id()).orElseThrow(), outcome);
                  }
                }
              });
      if (replacement != null) {
        if (replacement.outcome() != JobStore.Replaced.UNCHANGED
            && replacement.job().nextRunAt() != null) {
          dueListener.scheduled(replacement.job().nextRunAt());
        }
        return replacement;
      }
    }
    throw new io.kairos.job.JobChangedMeanwhile(job.id());
  }

  /** What {@link #submitAll} did with one job. */
  public enum Result {
    CREATED,
    REPLAYED,
    /** The id is taken by a different job; nothing was written for this one. */
    CONFLICT
  }

  /** One job of {@link #submitAll}: its id, the job as stored (null on a conflict), the result. */
  public record Submitted(String id, Job job, Result result) {}

  /** The job as stored, and whether this call created it. */
  public record Submission(Job job, boolean created) {}

  /** The job as stored after {@link #replace}, and what the call did. */
  public record Replacement(Job job, JobStore.Replaced outcome) {

    public boolean created() {
      return outcome == JobStore.Replaced.CREATED;
    }
  }
}
