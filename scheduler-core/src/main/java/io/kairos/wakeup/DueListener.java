package io.kairos.wakeup;

import java.time.Instant;

/**
 * Told, after commit, when a newly scheduled execution becomes due, so workers can be woken instead
 * of finding it at their next poll.
 */
@FunctionalInterface
public interface DueListener {

  /** PostgreSQL LISTEN/NOTIFY channel on which workers are woken. */
  String CHANNEL = "kairos_due";

  DueListener NONE = due -> {};

  void scheduled(Instant due);
}
