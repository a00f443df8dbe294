package io.kairos.limits;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The flow limits a worker enforces when it claims work (see {@link LimitedClaims}): every worker
 * serving a type must be given the same limits for it.
 */
public final class FlowLimits {

  /** No limits: every claim takes db-scheduler's single statement, as before limits existed. */
  public static final FlowLimits NONE = new FlowLimits(List.of());

  /** A job type's name, as {@code JobType} requires it (limits name types inlined into SQL). */
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  private final List<FlowLimit> limits;
  private final Map<String, List<FlowLimit>> byType = new LinkedHashMap<>();
  private final Map<String, String> keyFrom = new LinkedHashMap<>();

  public FlowLimits(Collection<FlowLimit> limits) {
    this.limits = List.copyOf(limits);
    int index = 0;
    for (FlowLimit limit : this.limits) {
      if (!TYPE.matcher(limit.type()).matches()) {
        throw new IllegalArgumentException(
            "[" + index + "].type: not a job type name: '" + limit.type() + "'");
      }
      byType.computeIfAbsent(limit.type(), t -> new java.util.ArrayList<>()).add(limit);
      if (limit.keyFrom() != null) {
        String earlier = keyFrom.putIfAbsent(limit.type(), limit.keyFrom());
        if (earlier != null && !earlier.equals(limit.keyFrom())) {
          throw new IllegalArgumentException(
              "["
                  + index
                  + "].key-from: the limits of type "
                  + limit.type()
                  + " read the key from "
                  + earlier
                  + " and "
                  + limit.keyFrom()
                  + "; a type's jobs have one key");
        }
      }
      index++;
    }
  }

  public List<FlowLimit> all() {
    return limits;
  }

  public boolean isEmpty() {
    return limits.isEmpty();
  }

  /** The types that have at least one limit, sorted. */
  public Set<String> limitedTypes() {
    return new TreeSet<>(byType.keySet());
  }

  public List<FlowLimit> of(String type) {
    return byType.getOrDefault(type, List.of());
  }

  /** Where the jobs of each type keep their key (JSON pointers), for types with keys. */
  public Map<String, String> keyFrom() {
    return Map.copyOf(keyFrom);
  }

  /** Whether any limit counts starts per interval (claims then keep a log of starts). */
  public boolean hasRateLimits() {
    return limits.stream().anyMatch(limit -> limit.maxStarts() != null);
  }

  @Override
  public String toString() {
    return limits.toString();
  }
}
