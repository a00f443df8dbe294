package io.kairos.api.security;

import java.time.Duration;
import org.springframework.util.unit.DataSize;

/**
 * What one API key may ask of the cluster. Dynamic limits (answered {@code 429} with {@code
 * Retry-After}): {@code activeJobs} (jobs it created that are not final), {@code
 * creationsPerMinute}, {@code activePayload} (total payload size of those active jobs). Static
 * limits (answered {@code 400} naming the field): {@code minEvery} (the shortest interval of a
 * recurring schedule), {@code maxPriority}, {@code maxTimeout}. A null field has no limit.
 *
 * <p>Per key under {@code kairos.api.keys[n].quota.*}; defaults for keys without {@code admin}
 * under {@code kairos.api.quota.*}, field by field. Admin keys have no limit unless their own entry
 * sets one.
 */
public record Quota(
    Integer activeJobs,
    Integer creationsPerMinute,
    DataSize activePayload,
    Duration minEvery,
    Integer maxPriority,
    Duration maxTimeout) {

  /** No limit at all. */
  public static final Quota NONE = new Quota(null, null, null, null, null, null);

  /**
   * The limits of a key without {@code admin} when nothing is configured: generous for a service
   * scheduling its own work, small enough that one key cannot flood the cluster.
   */
  public static final Quota NON_ADMIN_DEFAULTS =
      new Quota(
          10_000, 600, DataSize.ofMegabytes(64), Duration.ofSeconds(10), 100, Duration.ofHours(1));

  /** This quota, with {@code fallback}'s value for every field not set here. */
  public Quota orElse(Quota fallback) {
    if (fallback == null) {
      return this;
    }
    return new Quota(
        activeJobs != null ? activeJobs : fallback.activeJobs,
        creationsPerMinute != null ? creationsPerMinute : fallback.creationsPerMinute,
        activePayload != null ? activePayload : fallback.activePayload,
        minEvery != null ? minEvery : fallback.minEvery,
        maxPriority != null ? maxPriority : fallback.maxPriority,
        maxTimeout != null ? maxTimeout : fallback.maxTimeout);
  }

  void check(String where) {
    if (activeJobs != null && activeJobs < 0) {
      throw new IllegalArgumentException(where + ".active-jobs must not be negative");
    }
    if (creationsPerMinute != null && creationsPerMinute < 1) {
      throw new IllegalArgumentException(where + ".creations-per-minute must be at least 1");
    }
    if (activePayload != null && activePayload.isNegative()) {
      throw new IllegalArgumentException(where + ".active-payload must not be negative");
    }
    if (minEvery != null && minEvery.isNegative()) {
      throw new IllegalArgumentException(where + ".min-every must not be negative");
    }
    if (maxTimeout != null && (maxTimeout.isNegative() || maxTimeout.isZero())) {
      throw new IllegalArgumentException(where + ".max-timeout must be positive");
    }
  }
}
