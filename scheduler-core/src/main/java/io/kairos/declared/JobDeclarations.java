package io.kairos.declared;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import io.kairos.job.InvalidJobException;
import io.kairos.job.Job;
import io.kairos.job.JobData;
import io.kairos.job.NewJob;
import io.kairos.registry.JobRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Makes the cluster's declared jobs ({@code source = 'CONFIG'}) match a worker's configuration: new
 * ones are created, changed ones updated, ones no longer declared (or disabled) removed. Runs in
 * one transaction under a PostgreSQL advisory lock, so N workers starting together with the same
 * configuration create each job once and the last one to start wins on differences.
 */
public final class JobDeclarations {

  /** Advisory lock key shared by every worker ("Kairos" in ASCII). */
  static final long LOCK_KEY = 0x4b6169726f73L;

  private static final Logger LOG = LoggerFactory.getLogger(JobDeclarations.class);

  private final JobRegistry jobs;
  private final SchedulerClient schedulerClient;
  private final TransactionOperations transactions;
  private final JdbcTemplate jdbc;
  private final Clock clock;

  public JobDeclarations(
      JobRegistry jobs,
      SchedulerClient schedulerClient,
      TransactionOperations transactions,
      JdbcTemplate jdbc,
      Clock clock) {
    this.jobs = jobs;
    this.schedulerClient = schedulerClient;
    this.transactions = transactions;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** A declared job and its per-attempt timeout (optional). */
  public record Declaration(NewJob job, Duration timeout) {
    public Declaration {
      Objects.requireNonNull(job, "job");
    }
  }

  /** What reconciling changed. */
  public record Outcome(
      List<String> created, List<String> updated, List<String> removed, List<String> deferred) {}

  public Outcome reconcile(List<Declaration> declared) {
    return transactions.execute(
        tx -> {
          jdbc.queryForList("select pg_advisory_xact_lock(?)", LOCK_KEY);
          Map<String, String> existing = jobs.requestHashesOf("CONFIG");
          List<String> created = new ArrayList<>();
          List<String> updated = new ArrayList<>();
          List<String> removed = new ArrayList<>();
          List<String> deferred = new ArrayList<>();
          for (Declaration declaration : declared) {
            NewJob job = declaration.job();
            String hash = existing.remove(job.id());
            if (hash == null) {
              if (!jobs.insertDeclared(job)) {
                throw new InvalidJobException(
                    "id", "'" + job.id() + "' is taken by a job created through the API");
              }
              schedule(declaration);
              created.add(job.id());
            } else if (!hash.equals(job.requestHash())) {
              if (replace(declaration)) {
                updated.add(job.id());
              } else {
                deferred.add(job.id());
              }
            }
          }
          for (String id : existing.keySet()) {
            if (remove(id)) {
              removed.add(id);
            } else {
              deferred.add(id);
            }
          }
          return new Outcome(created, updated, removed, deferred);
        });
  }

  private void schedule(Declaration declaration) {
    NewJob job = declaration.job();
    Instant first = job.schedule().firstExecution(clock.now());
    JobData data =
        JobData.first(job.payload(), job.schedule(), job.maxAttempts(), declaration.timeout());
    schedulerClient.schedule(data.instance(job.type(), job.id(), job.priority()), first);
  }

  /** False when the job is running now: it keeps its old definition until a later start-up. */
  private boolean replace(Declaration declaration) {
    NewJob job = declaration.job();
    String previousType = jobs.find(job.id()).map(Job::type).orElse(job.type());
    try {
      schedulerClient.cancel(TaskInstanceId.of(previousType, job.id()));
    } catch (TaskInstanceCurrentlyExecutingException e) {
      LOG.warn("Declared job {} is running; its new definition applies at a later start", job.id());
      return false;
    } catch (RuntimeException e) {
      // No execution (e.g. it died for good): the new definition gets a fresh one below.
      LOG.debug("Declared job {} had no execution to replace", job.id(), e);
    }
    jobs.updateDeclared(job);
    schedule(declaration);
    return true;
  }

  private boolean remove(String id) {
    String type = jobs.find(id).map(Job::type).orElse(null);
    if (type != null) {
      try {
        schedulerClient.cancel(TaskInstanceId.of(type, id));
      } catch (TaskInstanceCurrentlyExecutingException e) {
        LOG.warn("Declared job {} is running; it is removed at a later start", id);
        return false;
      } catch (RuntimeException e) {
        LOG.debug("Declared job {} had no execution to cancel", id, e);
      }
    }
    jobs.delete(id);
    return true;
  }
}
