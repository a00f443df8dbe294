package io.kairos.bench.measure;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * All failover rounds of one configuration.
 *
 * @param bound how long each round waited at most; a round without a re-run took longer
 */
public record FailoverResult(List<FailoverRound> rounds, Duration bound) {

  public FailoverResult {
    rounds = List.copyOf(rounds);
  }

  /** Whether every round saw its re-run within the bound. */
  public boolean measured() {
    return rounds.stream().allMatch(r -> r.rerun().isPresent());
  }

  /** Kill → re-run of the rounds that had one, in milliseconds. */
  public Stats rerun() {
    return stats(FailoverRound::rerun);
  }

  public Stats declaredDead() {
    return stats(FailoverRound::declaredDead);
  }

  public Stats pickUp() {
    return stats(FailoverRound::pickUp);
  }

  public Stats heartbeatAge() {
    return stats(r -> Optional.of(r.heartbeatAge()));
  }

  private Stats stats(Function<FailoverRound, Optional<Duration>> part) {
    return Stats.of(
        rounds.stream().map(part).flatMap(Optional::stream).map(d -> d.toNanos() / 1e6).toList(),
        rounds.size());
  }
}
