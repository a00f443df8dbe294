package io.kairos.api.job;

import io.kairos.api.problem.TooManyRequests;
import io.kairos.api.security.ApiPrincipal;
import io.kairos.api.security.Quota;
import io.kairos.job.InvalidJobException;
import io.kairos.job.ScheduleGaps;
import io.kairos.job.ScheduleSpec;
import io.kairos.registry.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Enforces each key's {@link Quota}. Static limits (what one job may ask for) are {@code 400}
 * naming the field, on creation and on change; dynamic limits (how much a key may have and how fast
 * it may create) are {@code 429} with {@code Retry-After}.
 *
 * <p>Creations per minute are a token bucket per key in this API replica's memory (capacity and
 * refill per minute both the limit), so N replicas behind a balancer allow up to N times the limit;
 * nothing is shared or persisted. Live jobs and their payload bytes are counted in the database on
 * every creation (one index scan of the key's live jobs); two creations racing may both pass at the
 * limit, which can be exceeded by the number of concurrent requests, never more.
 */
final class Quotas {

  /** When the key may retry after a live-jobs limit: jobs end at their own pace. */
  static final long LIVE_RETRY_AFTER_SECONDS = 60;

  private final JobStore jobs;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  Quotas(JobStore jobs, LongSupplier nanoTime) {
    this.jobs = jobs;
    this.nanoTime = nanoTime;
  }

  /** The limits on what one job may ask for; null arguments are not being set. */
  static void checkStatic(
      ApiPrincipal caller, ScheduleSpec schedule, Integer priority, Duration timeout, Instant now) {
    Quota quota = caller.quota();
    if (quota.maxPriority() != null && priority != null && priority > quota.maxPriority()) {
      throw new InvalidJobException(
          "priority",
          "must be at most " + quota.maxPriority() + " for the key '" + caller.name() + "'");
    }
    if (quota.maxTimeout() != null
        && timeout != null
        && timeout.compareTo(quota.maxTimeout()) > 0) {
      throw new InvalidJobException(
          "timeout",
          "must be at most " + quota.maxTimeout() + " for the key '" + caller.name() + "'");
    }
    if (quota.minEvery() != null && schedule != null && schedule.recurring()) {
      // The smallest gap over a whole period: an irregular cron may run far more often at times.
      Duration interval = ScheduleGaps.shorterThan(schedule, quota.minEvery()).orElse(null);
      if (interval != null) {
        String field =
            schedule.every() != null
                ? "schedule.every"
                : schedule.cron() != null ? "schedule.cron" : "schedule.daily";
        throw new InvalidJobException(
            field,
            "runs as little as "
                + interval
                + " apart, more often than the key '"
                + caller.name()
                + "' may ask for (at least "
                + quota.minEvery()
                + " apart)");
      }
    }
  }

  /** Whether {@link #checkCreation} can refuse anything of this key. */
  static boolean limitsCreation(ApiPrincipal caller) {
    Quota quota = caller.quota();
    return quota.creationsPerMinute() != null
        || quota.activeJobs() != null
        || quota.activePayload() != null;
  }

  /**
   * The limits on how much a key may have and how fast it may create; before {@code newJobs} new
   * jobs (one, or a batch's, counted together) whose payloads total {@code payloadBytes}. All or
   * nothing: a refusal takes no token from the rate.
   */
  void checkCreation(ApiPrincipal caller, long newJobs, long payloadBytes) {
    Quota quota = caller.quota();
    if (quota.creationsPerMinute() != null && newJobs > quota.creationsPerMinute()) {
      // The bucket never holds more than a minute's worth: waiting would not help.
      throw new InvalidJobException(
          "jobs",
          "holds "
              + newJobs
              + " new jobs, more than the key '"
              + caller.name()
              + "' may create in a minute ("
              + quota.creationsPerMinute()
              + "); send smaller batches");
    }
    if (quota.activeJobs() != null || quota.activePayload() != null) {
      JobStore.LiveUsage usage = jobs.liveUsageOf(caller.name());
      if (quota.activeJobs() != null && usage.jobs() + newJobs > quota.activeJobs()) {
        throw new TooManyRequests(
            "activeJobs",
            "the key '"
                + caller.name()
                + "' has "
                + usage.jobs()
                + " jobs that are not final, its limit is "
                + quota.activeJobs()
                + "; cancel some or wait for them to end",
            LIVE_RETRY_AFTER_SECONDS);
      }
      if (quota.activePayload() != null
          && usage.payloadBytes() + payloadBytes > quota.activePayload().toBytes()) {
        throw new TooManyRequests(
            "activePayload",
            "the payloads of the key '"
                + caller.name()
                + "'s jobs that are not final would exceed "
                + quota.activePayload().toBytes()
                + " bytes",
            LIVE_RETRY_AFTER_SECONDS);
      }
    }
    if (quota.creationsPerMinute() != null) {
      long waitNanos =
          buckets
              .computeIfAbsent(caller.name(), name -> new Bucket(nanoTime.getAsLong()))
              .take(newJobs, quota.creationsPerMinute(), nanoTime.getAsLong());
      if (waitNanos > 0) {
        throw new TooManyRequests(
            "creationsPerMinute",
            "the key '"
                + caller.name()
                + "' may create "
                + quota.creationsPerMinute()
                + " jobs a minute"
                + (newJobs > 1 ? " (this request: " + newJobs + " new ones)" : ""),
            (waitNanos + 999_999_999L) / 1_000_000_000L);
      }
    }
  }

  /** A token bucket: {@code perMinute} tokens at most, refilled at {@code perMinute} a minute. */
  private static final class Bucket {
    private static final double MINUTE_NANOS = 60e9;
    private double tokens = -1; // full on first use
    private long last;

    Bucket(long now) {
      this.last = now;
    }

    /**
     * Takes {@code count} tokens: 0, or the nanoseconds until that many will be there (then none is
     * taken).
     */
    synchronized long take(long count, int perMinute, long now) {
      if (tokens < 0) {
        tokens = perMinute;
      }
      tokens = Math.min(perMinute, tokens + (now - last) * perMinute / MINUTE_NANOS);
      last = now;
      if (tokens >= count) {
        tokens -= count;
        return 0;
      }
      return (long) Math.ceil((count - tokens) * MINUTE_NANOS / perMinute);
    }
  }
}
