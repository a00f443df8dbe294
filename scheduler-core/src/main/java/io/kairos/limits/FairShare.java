package io.kairos.limits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of the due candidates a claim takes, within every limit that applies to them: one per key
 * in turn (round robin, keys in the order their first job became due), so one key with a backlog
 * does not hold back the others. Pure: the counts are read, and the chosen claimed, by {@link
 * LimitedClaims} under the cluster-wide lock.
 */
final class FairShare {

  /** One counter: a limit, and the key it counts for ("" for a type as a whole). */
  record Counter(FlowLimit limit, String counter) {}

  /** A due execution that may be claimed. */
  record Candidate(String type, String id, long version, String key) {}

  /** A type and key whose jobs cannot start now; excluded from the next look at candidates. */
  record Blocked(String type, String key, boolean wholeType) {}

  private final FlowLimits limits;
  private final Map<Counter, Integer> running;
  private final Map<Counter, Integer> started;

  /**
   * @param running how many run now, per concurrency counter
   * @param started how many started within the interval, per rate counter
   */
  FairShare(FlowLimits limits, Map<Counter, Integer> running, Map<Counter, Integer> started) {
    this.limits = limits;
    this.running = new HashMap<>(running);
    this.started = new HashMap<>(started);
  }

  /** Type/key pairs (or whole types) already at a limit before anything is chosen. */
  Set<Blocked> blockedNow() {
    Set<Blocked> blocked = new LinkedHashSet<>();
    running.forEach(
        (counter, count) -> {
          Integer max = counter.limit().maxRunning();
          if (max != null && count >= max) {
            blocked.add(blockedBy(counter));
          }
        });
    started.forEach(
        (counter, count) -> {
          Integer max = counter.limit().maxStarts();
          if (max != null && count >= max) {
            blocked.add(blockedBy(counter));
          }
        });
    return blocked;
  }

  /**
   * Chooses at most {@code wanted} of {@code candidates} (in claim order), counting each chosen one
   * against its limits; {@code blocked} receives the pairs found at a limit.
   */
  List<Candidate> choose(List<Candidate> candidates, int wanted, Set<Blocked> blocked) {
    Map<String, List<Candidate>> byGroup = new LinkedHashMap<>();
    for (Candidate candidate : candidates) {
      byGroup
          .computeIfAbsent(candidate.type() + '\u0000' + candidate.key(), g -> new ArrayList<>())
          .add(candidate);
    }
    List<Candidate> chosen = new ArrayList<>();
    for (int round = 0; chosen.size() < wanted; round++) {
      boolean any = false;
      for (List<Candidate> group : byGroup.values()) {
        if (round >= group.size() || chosen.size() >= wanted) {
          continue;
        }
        Candidate candidate = group.get(round);
        Counter full = fullCounter(candidate);
        if (full != null) {
          blocked.add(blockedBy(full, candidate));
          continue;
        }
        any = true;
        chosen.add(candidate);
        count(candidate);
      }
      if (!any) {
        break;
      }
    }
    return chosen;
  }

  /** The concurrency and rate counters a job counts against. */
  List<Counter> countersOf(String type, String key) {
    List<Counter> counters = new ArrayList<>();
    for (FlowLimit limit : limits.of(type)) {
      if (limit.appliesTo(key)) {
        counters.add(new Counter(limit, limit.counterOf(key)));
      }
    }
    return counters;
  }

  private Counter fullCounter(Candidate candidate) {
    for (Counter counter : countersOf(candidate.type(), candidate.key())) {
      FlowLimit limit = counter.limit();
      if (limit.maxRunning() != null && running.getOrDefault(counter, 0) >= limit.maxRunning()) {
        return counter;
      }
      if (limit.maxStarts() != null && started.getOrDefault(counter, 0) >= limit.maxStarts()) {
        return counter;
      }
    }
    return null;
  }

  private void count(Candidate candidate) {
    for (Counter counter : countersOf(candidate.type(), candidate.key())) {
      if (counter.limit().maxRunning() != null) {
        running.merge(counter, 1, Integer::sum);
      }
      if (counter.limit().maxStarts() != null) {
        started.merge(counter, 1, Integer::sum);
      }
    }
  }

  private static Blocked blockedBy(Counter counter) {
    FlowLimit limit = counter.limit();
    return limit.key() == null
        ? new Blocked(limit.type(), null, true)
        : new Blocked(limit.type(), counter.counter(), false);
  }

  private static Blocked blockedBy(Counter counter, Candidate candidate) {
    return counter.limit().key() == null
        ? new Blocked(candidate.type(), null, true)
        : new Blocked(candidate.type(), candidate.key(), false);
  }
}
