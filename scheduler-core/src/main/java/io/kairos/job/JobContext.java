package io.kairos.job;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a handler knows about the attempt it runs. {@code scheduledFor} is when this attempt was due
 * (a retry's is after its backoff); {@code occurrence} is when the occurrence it belongs to was
 * first due. {@link #occurrenceId()} is built from the latter, so it is stable across the attempts
 * of one occurrence — persisted retries and a re-run after a worker crash alike — and side effects
 * can carry it as an idempotency key. {@link #report(String)} leaves a short note in the attempt's
 * history (rows deleted, a response status). {@link #requestNextRun(Instant)} lets a type that
 * knows when it is next needed (an OAuth token's expiry) choose its next occurrence. {@link
 * #schedule(JobRequest)} asks for a follow-up job, created in the transaction that records this
 * attempt's success: it exists only if the attempt's success is recorded.
 *
 * <p>{@link #cancelRequested()} turns true when the attempt is asked to stop (an operator's cancel,
 * from any node, or the job's timeout); a handler checks it between units of work, or calls {@link
 * #throwIfCancelled()}. If the handler has not returned within the worker's cancel grace, its
 * thread is interrupted, so blocking calls throw. {@link #progress(long, Long, String)} reports how
 * far it has come; the API and the dashboard show it while the attempt runs.
 */
public record JobContext(
    String jobId,
    String jobType,
    Instant scheduledFor,
    int attempt,
    boolean recovered,
    String node,
    AtomicReference<String> detail,
    AtomicReference<Instant> nextRun,
    Instant occurrence,
    List<JobRequest> followUps,
    AttemptSignals signals) {

  public static final int MAX_DETAIL_LENGTH = 2000;

  public JobContext(
      String jobId,
      String jobType,
      Instant scheduledFor,
      int attempt,
      boolean recovered,
      String node) {
    this(jobId, jobType, scheduledFor, attempt, recovered, node, scheduledFor);
  }

  /** An attempt of the occurrence first due at {@code occurrence}. */
  public JobContext(
      String jobId,
      String jobType,
      Instant scheduledFor,
      int attempt,
      boolean recovered,
      String node,
      Instant occurrence) {
    this(
        jobId,
        jobType,
        scheduledFor,
        attempt,
        recovered,
        node,
        new AtomicReference<>(),
        new AtomicReference<>(),
        occurrence,
        new CopyOnWriteArrayList<>(),
        new AttemptSignals());
  }

  public JobContext {
    occurrence = occurrence == null ? scheduledFor : occurrence;
    followUps = followUps == null ? new CopyOnWriteArrayList<>() : followUps;
    signals = signals == null ? new AttemptSignals() : signals;
  }

  /** Whether this attempt was asked to stop: by an operator, or because it ran into its timeout. */
  public boolean cancelRequested() {
    return signals.stopRequested();
  }

  /** Throws {@link AttemptCancelled} if this attempt was asked to stop; a cheap check. */
  public void throwIfCancelled() {
    String reason = signals.stopReason();
    if (reason != null) {
      throw new AttemptCancelled(reason);
    }
  }

  /**
   * Reports how far this attempt has come: {@code done} of {@code total} (null when not known) and
   * a short message (one line, at most {@value Progress#MAX_MESSAGE_LENGTH} characters, or null).
   * Cheap: kept in memory and written to the database by the worker about once a second.
   */
  public void progress(long done, Long total, String message) {
    signals.report(new Progress(done, total, message));
  }

  /** The progress reported last, or null. */
  public Progress reportedProgress() {
    return signals.progress();
  }

  /**
   * Asks for a follow-up job, created with this attempt's success (in the same transaction), or not
   * at all if the attempt fails or its result cannot be recorded. A retried attempt asks again, so
   * give follow-ups ids derived from this job's (a replay of the same request changes nothing). An
   * invalid request fails the attempt permanently, naming the field.
   */
  public void schedule(JobRequest request) {
    followUps.add(java.util.Objects.requireNonNull(request, "request"));
  }

  /** The follow-up jobs asked for so far. */
  public List<JobRequest> requestedFollowUps() {
    return List.copyOf(followUps);
  }

  /** The same for every attempt of one occurrence: {@code jobId@epochMillis}. */
  public String occurrenceId() {
    return jobId + "@" + occurrence.toEpochMilli();
  }

  /** Replaces this attempt's note (bounded to {@value #MAX_DETAIL_LENGTH} characters). */
  public void report(String text) {
    detail.set(
        text == null || text.length() <= MAX_DETAIL_LENGTH
            ? text
            : text.substring(0, MAX_DETAIL_LENGTH - 1) + "…");
  }

  public String reported() {
    return detail.get();
  }

  /**
   * Asks for the job's next occurrence at {@code at} if this attempt succeeds, instead of what its
   * schedule says; a one-time job then stays scheduled. Failures are retried and end as usual.
   */
  public void requestNextRun(Instant at) {
    nextRun.set(at);
  }

  /** The next occurrence the handler asked for, or null. */
  public Instant requestedNextRun() {
    return nextRun.get();
  }
}
