package io.kairos.job;

/**
 * Who a job belongs to: created through the API, declared by operators in configuration, or made by
 * Kairos itself.
 */
public enum JobSource {
  /** Created over REST (or by an app through Kairos's client). */
  API,
  /** Declared in the workers' {@code kairos.jobs}; reconciled at every worker start. */
  CONFIG,
  /** Made by Kairos itself: notifications (ids {@code notify:…}). */
  SYSTEM
}
