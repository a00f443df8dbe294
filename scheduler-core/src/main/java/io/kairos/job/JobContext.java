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
    List<JobRequest> followUps) {

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
        new CopyOnWriteArrayList<>());
  }

  public JobContext {
    occurrence = occurrence == null ? scheduledFor : occurrence;
    followUps = followUps == null ? new CopyOnWriteArrayList<>() : followUps;
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
