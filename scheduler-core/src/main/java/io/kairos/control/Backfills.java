package io.kairos.control;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.catalogue.SealedJob;
import io.kairos.job.InvalidJobException;
import io.kairos.job.Job;
import io.kairos.job.JobSource;
import io.kairos.job.MisfirePolicy;
import io.kairos.job.NewJob;
import io.kairos.job.OperatorJobException;
import io.kairos.job.ScheduleSpec;
import io.kairos.job.UnknownJobException;
import io.kairos.registry.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Runs every occurrence of a recurring job in a past range once: one one-time job per occurrence,
 * due at the occurrence's time (so it runs at once, however late: no misfire limit), with the job's
 * type, payload, group, attempts, priority and timeout. Its id is the job's and the occurrence's
 * ({@code <id>.backfill.<epoch millis>}), so asking for an overlapping range again creates only the
 * occurrences not asked for before: each runs once. Created in one transaction.
 */
public final class Backfills {

  /** At most this many occurrences per request. */
  public static final int MAX_OCCURRENCES = 1000;

  /**
   * @param created ids of the backfill jobs created by this request, in time order
   * @param existing ids of those asked for before (left as they are)
   */
  public record Backfill(String jobId, List<String> created, List<String> existing) {}

  private final JobStore jobs;
  private final PayloadSecrets secrets;
  private final TransactionOperations transactions;
  private final Clock clock;

  public Backfills(
      JobStore jobs, PayloadSecrets secrets, TransactionOperations transactions, Clock clock) {
    this.jobs = jobs;
    this.secrets = secrets;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * The occurrences in [from, to), at most one more than allowed. A cron or daily schedule's are
   * its times; an {@code every} schedule's grid starts at its first run, which is not kept, so a
   * backfill's grid starts at {@code from}.
   */
  private static List<Instant> occurrences(ScheduleSpec schedule, Instant from, Instant to) {
    if (schedule.every() == null) {
      return schedule.occurrencesBetween(from.minusNanos(1), to.minusNanos(1), MAX_OCCURRENCES + 1);
    }
    List<Instant> grid = new ArrayList<>();
    for (Instant t = from; t.isBefore(to) && grid.size() <= MAX_OCCURRENCES; ) {
      grid.add(t);
      t = t.plus(schedule.every());
    }
    return grid;
  }

  /** The id of the backfill job of {@code jobId}'s occurrence at {@code occurrence}. */
  public static String idOf(String jobId, Instant occurrence) {
    return jobId + ".backfill." + occurrence.toEpochMilli();
  }

  /**
   * Creates the backfill jobs of {@code jobId}'s occurrences in [{@code from}, {@code to}).
   *
   * @throws InvalidJobException naming {@code from} or {@code to} for a range that is not in the
   *     past, empty, or holds more than {@value #MAX_OCCURRENCES} occurrences, or the job is not
   *     recurring
   */
  public Backfill backfill(String jobId, Instant from, Instant to, JobControl.Caller caller) {
    Job job = jobs.find(jobId).orElseThrow(() -> new UnknownJobException(jobId));
    if (job.source() != JobSource.API && !caller.operator()) {
      throw new OperatorJobException(jobId, job.source(), "backfill");
    }
    if (from == null) {
      throw new InvalidJobException("from", "is required: the first instant of the range");
    }
    if (to == null) {
      throw new InvalidJobException("to", "is required: the end of the range (excluded)");
    }
    if (!from.isBefore(to)) {
      throw new InvalidJobException("to", "must be after 'from'");
    }
    if (to.isAfter(clock.now())) {
      throw new InvalidJobException("to", "must not be in the future: a backfill runs past times");
    }
    ScheduleSpec schedule = job.schedule();
    if (schedule == null || !schedule.recurring()) {
      throw new InvalidJobException(
          "id", "job '" + jobId + "' is not recurring: nothing to backfill");
    }
    List<Instant> occurrences = occurrences(schedule, from, to);
    if (occurrences.size() > MAX_OCCURRENCES) {
      throw new InvalidJobException(
          "to", "the range holds more than " + MAX_OCCURRENCES + " occurrences; ask in parts");
    }
    String longest = idOf(jobId, to);
    if (!NewJob.ID.matcher(longest).matches()) {
      throw new InvalidJobException(
          "id", "job '" + jobId + "' has too long an id for its backfill jobs' ids");
    }
    var payload = secrets.open(job.type(), jobId, job.payload());
    List<SealedJob> wanted = new ArrayList<>();
    for (Instant occurrence : occurrences) {
      String id = idOf(jobId, occurrence);
      wanted.add(
          secrets.seal(
              new NewJob(
                  id,
                  job.type(),
                  job.group(),
                  payload,
                  ScheduleSpec.at(occurrence),
                  job.maxAttempts(),
                  job.priority(),
                  "backfill:" + id,
                  caller.name(),
                  job.timeout(),
                  MisfirePolicy.NONE,
                  List.of(),
                  job.concurrencyKey())));
    }
    Set<String> created = transactions.execute(tx -> jobs.createAll(wanted, JobSource.API));
    List<String> made = new ArrayList<>();
    List<String> existing = new ArrayList<>();
    for (SealedJob job1 : wanted) {
      (created.contains(job1.id()) ? made : existing).add(job1.id());
    }
    return new Backfill(jobId, made, existing);
  }
}
