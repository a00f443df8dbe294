package io.kairos.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a recurring schedule does when a run overlaps its next occurrence or occurrences were
 * missed, and how much its occurrences are spread out. Kept with the schedule ({@link
 * ScheduleSpec#policy()}, left out of the JSON when it is the default).
 *
 * <ul>
 *   <li>{@code overlap}: an occurrence that falls due while the previous one still runs is {@link
 *       Overlap#SKIP skipped} (the run after it is the next one after the running attempt ends),
 *       {@link Overlap#BUFFER_ONE buffered} (one run right after the running attempt, for the
 *       latest such occurrence), or it {@link Overlap#CANCEL_RUNNING cancels the running attempt}
 *       (recorded CANCELLED) and runs at once.
 *   <li>{@code catchUp}: occurrences missed while no attempt ran (the cluster down, the job paused,
 *       workers saturated): {@link CatchUp#NONE none} (an occurrence found later than the job's
 *       misfire grace is not run, recorded MISSED), {@link CatchUp#LATEST the latest only} (one
 *       late run for all of them), or {@link CatchUp#ALL all} those due within {@code
 *       catchUpWindow} before now, each once, one after another.
 *   <li>{@code jitter}: each occurrence after a run is delayed by an amount in [0, jitter) derived
 *       from the job's id and the occurrence's time, so every node computes the same delay and jobs
 *       on one schedule spread out. Only for cron and daily schedules, shorter than their smallest
 *       gap.
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchedulePolicy(
    Overlap overlap, CatchUp catchUp, Duration catchUpWindow, Duration jitter) {

  public enum Overlap {
    SKIP,
    BUFFER_ONE,
    CANCEL_RUNNING
  }

  public enum CatchUp {
    NONE,
    LATEST,
    ALL
  }

  /** Kairos's behaviour without a policy: skip overlaps, one late run for missed occurrences. */
  public static final SchedulePolicy DEFAULT =
      new SchedulePolicy(Overlap.SKIP, CatchUp.LATEST, null, null);

  public static final Duration MAX_CATCH_UP_WINDOW = Duration.ofDays(31);
  public static final Duration MAX_JITTER = Duration.ofDays(1);

  /** At most this many occurrences are caught up by one window: it bounds the window. */
  public static final int MAX_CAUGHT_UP = 1000;

  public SchedulePolicy {
    overlap = overlap == null ? Overlap.SKIP : overlap;
    catchUp = catchUp == null ? CatchUp.LATEST : catchUp;
    if (catchUp == CatchUp.ALL) {
      if (catchUpWindow == null) {
        throw new InvalidScheduleException(
            "schedule.catchUpWindow", "is required with catchUp ALL (an ISO-8601 duration)");
      }
      if (catchUpWindow.compareTo(Duration.ofSeconds(1)) < 0
          || catchUpWindow.compareTo(MAX_CATCH_UP_WINDOW) > 0) {
        throw new InvalidScheduleException(
            "schedule.catchUpWindow", "must be between PT1S and P31D");
      }
    } else if (catchUpWindow != null) {
      throw new InvalidScheduleException(
          "schedule.catchUpWindow", "has no meaning without catchUp ALL");
    }
    if (jitter != null
        && (jitter.compareTo(Duration.ofSeconds(1)) < 0 || jitter.compareTo(MAX_JITTER) > 0)) {
      throw new InvalidScheduleException("schedule.jitter", "must be between PT1S and P1D");
    }
  }

  @JsonIgnore
  public boolean isDefault() {
    return equals(DEFAULT);
  }

  /**
   * The delay of job {@code jobId}'s occurrence at {@code occurrence}: the same on every node, in
   * [0, jitter), spread evenly over jobs and occurrences.
   */
  public Duration jitterOf(String jobId, Instant occurrence) {
    if (jitter == null) {
      return Duration.ZERO;
    }
    long h = Objects.hash(jobId, occurrence.toEpochMilli());
    // A 64-bit mix of the hash, so neighbouring occurrences get unrelated delays.
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return Duration.ofMillis(Math.floorMod(h, jitter.toMillis()));
  }
}
