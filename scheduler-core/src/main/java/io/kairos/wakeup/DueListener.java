package io.kairos.wakeup;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Told, after commit, when a newly scheduled execution becomes due, so workers can be woken instead
 * of finding it at their next poll ({@link WakeUpSender}).
 */
@FunctionalInterface
public interface DueListener {

  /** PostgreSQL LISTEN/NOTIFY channel on which workers are woken. */
  String CHANNEL = "kairos_due";

  DueListener NONE = due -> {};

  void scheduled(Instant due);

  /**
   * One call for everything already due, and one per later due time (each needs its own moment): a
   * burst of jobs due now is one call.
   */
  default void scheduledAll(Collection<Instant> dues) {
    Instant now = Instant.now();
    Instant earliestDue = null;
    Set<Instant> later = new TreeSet<>();
    for (Instant due : dues) {
      if (due == null) {
        continue;
      }
      if (due.isAfter(now)) {
        later.add(due.truncatedTo(ChronoUnit.MILLIS));
      } else if (earliestDue == null || due.isBefore(earliestDue)) {
        earliestDue = due;
      }
    }
    if (earliestDue != null) {
      scheduled(earliestDue);
    }
    later.forEach(this::scheduled);
  }

  /**
   * {@code listener}, told of a due time once the transaction open when it is called commits (not
   * at all if it rolls back), or at once when none is: a job scheduled in a caller's transaction
   * (an application's own, or the one that records an attempt with its follow-ups) wakes the
   * workers only when it exists.
   */
  static DueListener afterCommit(DueListener listener) {
    if (listener == NONE) {
      return NONE;
    }
    return due -> {
      if (!TransactionSynchronizationManager.isSynchronizationActive()) {
        listener.scheduled(due);
        return;
      }
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              listener.scheduled(due);
            }
          });
    };
  }
}
