package io.kairos.notification;

import io.kairos.job.JobEvent;

/**
 * Told of every event that someone may want to hear about, inside the transaction that records the
 * event, so a notification is sent if and only if the event is recorded. Never throws: a
 * notification that cannot be arranged must not undo the event.
 */
@FunctionalInterface
public interface Notifier {

  Notifier NONE = (event, jobId, attempt, error) -> {};

  /**
   * @param attempt the attempt the event is about, if any
   * @param error what went wrong, if anything (kept short in the notification)
   */
  void notify(JobEvent event, String jobId, Integer attempt, String error);
}
