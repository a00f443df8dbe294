package io.kairos.limits;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether an attempt of a rate-limited type may start now. Rate limits count starts, and a claimed
 * execution may wait in its worker's queue for a thread; so a start is admitted, and counted, at
 * the moment it begins, not when it was claimed.
 */
public interface StartAdmission {

  /** Admits every start: no rate limits. */
  StartAdmission ALL = (type, jobId, now) -> Optional.of(now);

  /**
   * @param now the worker's time, returned when no rate limit applies
   * @return when the start was admitted (for a rate-limited start the database's time, which the
   *     attempt's history shows as its start), or empty when a rate limit is full: the attempt must
   *     not start and its claim is handed back
   */
  Optional<Instant> admit(String type, String jobId, Instant now);
}
