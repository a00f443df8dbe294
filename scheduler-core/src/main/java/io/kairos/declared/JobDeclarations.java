package io.kairos.declared;

import io.kairos.catalogue.PayloadSecrets;
import io.kairos.catalogue.SealedJob;
import io.kairos.job.Job;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.registry.JobStore;
import io.kairos.registry.JobTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Makes the cluster's declared jobs (source {@link JobSource#CONFIG}) match a worker's
 * configuration: new ones are created, changed ones redefined, ones no longer declared (or
 * disabled) removed. Runs in one transaction under a cluster-wide lock, so N workers starting
 * together with the same configuration create each job once and the last one to start wins on
 * differences. A declared job's whole definition — timeout and misfire grace included — is its
 * {@link NewJob}, stored and scheduled through the job store's one creation path.
 *
 * <p>A declared id that an existing API or system job already holds is a <em>clash</em>: that job
 * keeps its id, the declaration is not applied, and the rest are. A clash never stops a worker (a
 * client creating a job must not be able to keep the cluster from starting); it is reported in the
 * {@link Outcome}, and the job that shadows the declaration is marked for the API to show.
 */
public final class JobDeclarations {

  private static final Logger LOG = LoggerFactory.getLogger(JobDeclarations.class);

  private final JobStore jobs;
  private final DeclarationStore declarations;
  private final TransactionOperations transactions;
  private final PayloadSecrets secrets;

  public JobDeclarations(
      JobTables tables, JobStore jobs, TransactionOperations transactions, PayloadSecrets secrets) {
    this.jobs = jobs;
    this.declarations = new DeclarationStore(tables);
    this.transactions = transactions;
    this.secrets = secrets;
  }

  /**
   * What reconciling changed. {@code clashes}: declared ids held by jobs that are not declared
   * ones, so those declarations were not applied.
   */
  public record Outcome(
      List<String> created,
      List<String> updated,
      List<String> removed,
      List<String> deferred,
      List<String> clashes) {}

  public Outcome reconcile(List<NewJob> plain) {
    // Sealed before the transaction, as for API jobs; the request hashes are of the plain
    // declarations, so an unchanged declaration is still recognised.
    List<SealedJob> declared = plain.stream().map(secrets::seal).toList();
    return transactions.execute(
        tx -> {
          declarations.lockDeclarations();
          Map<String, String> existing = declarations.requestHashesOf(JobSource.CONFIG);
          List<String> created = new ArrayList<>();
          List<String> updated = new ArrayList<>();
          List<String> removed = new ArrayList<>();
          List<String> deferred = new ArrayList<>();
          List<String> clashes = new ArrayList<>();
          for (SealedJob job : declared) {
            String hash = existing.remove(job.id());
            if (hash == null) {
              if (!jobs.create(job, JobSource.CONFIG)) {
                clashes.add(job.id());
                continue;
              }
              created.add(job.id());
            } else if (!hash.equals(job.job().requestHash())) {
              if (replace(job)) {
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
          declarations.markShadowingDeclarations(clashes);
          return new Outcome(created, updated, removed, deferred, clashes);
        });
  }

  /** False when the job is running now: it keeps its old definition until a later start-up. */
  private boolean replace(SealedJob job) {
    String previousType = jobs.find(job.id()).map(Job::type).orElse(job.job().type());
    if (jobs.dropExecution(previousType, job.id()) == JobStore.Dropped.RUNNING) {
      LOG.warn("Declared job {} is running; its new definition applies at a later start", job.id());
      return false;
    }
    declarations.redefineDeclared(job);
    return true;
  }

  private boolean remove(String id) {
    String type = jobs.find(id).map(Job::type).orElse(null);
    if (type != null && jobs.dropExecution(type, id) == JobStore.Dropped.RUNNING) {
      LOG.warn("Declared job {} is running; it is removed at a later start", id);
      return false;
    }
    jobs.delete(id);
    return true;
  }
}
