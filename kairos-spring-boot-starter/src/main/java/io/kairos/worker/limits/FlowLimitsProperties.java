package io.kairos.worker.limits;

import io.kairos.limits.FlowLimit;
import io.kairos.limits.FlowLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The flow limits this worker enforces when it claims work ({@code kairos.flow.limits[i].*}); every
 * worker serving a type must be given the same limits for it.
 *
 * @param limits each a concurrency limit, a rate limit, or both, on one type or its keys
 */
@ConfigurationProperties("kairos.flow")
public record FlowLimitsProperties(List<Limit> limits) {

  /**
   * One limit.
   *
   * @param type the job type
   * @param key which concurrency keys the limit applies to, each separately ({@code *}: every key,
   *     {@code customer-*}: keys starting so); unset: the type as a whole
   * @param keyFrom where the key of a job created without a {@code concurrencyKey} is in its
   *     payload, as a JSON pointer ({@code /customerId}); a URL gives its host; unset: only the
   *     jobs' own keys count
   * @param maxRunning at most this many running at once
   * @param maxStarts at most this many starts within any {@code per}
   * @param per the rate limit's interval
   */
  public record Limit(
      String type,
      String key,
      String keyFrom,
      Integer maxRunning,
      Integer maxStarts,
      Duration per) {}

  public FlowLimitsProperties {
    limits = limits == null ? List.of() : List.copyOf(limits);
    flowLimits(limits); // a bad limit fails start-up, naming its property
  }

  /** The limits, checked. */
  public FlowLimits flowLimits() {
    return flowLimits(limits);
  }

  private static FlowLimits flowLimits(List<Limit> limits) {
    List<FlowLimit> checked = new ArrayList<>();
    for (int i = 0; i < limits.size(); i++) {
      Limit limit = limits.get(i);
      try {
        checked.add(
            new FlowLimit(
                limit.type(),
                limit.key(),
                limit.keyFrom(),
                limit.maxRunning(),
                limit.maxStarts(),
                limit.per()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("kairos.flow.limits[" + i + "]." + e.getMessage(), e);
      }
    }
    try {
      return new FlowLimits(checked);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("kairos.flow.limits" + e.getMessage(), e);
    }
  }
}
