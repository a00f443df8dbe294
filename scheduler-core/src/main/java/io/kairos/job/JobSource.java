package io.kairos.job;

/**
 * Who a job belongs to: a client of the API, the operators (declared in configuration), or Kairos
 * itself. Only API jobs may be changed by any key with write access; the others belong to people
 * (or a process) who did not hand them to API clients, so changing them takes an operator.
 */
public enum JobSource {
  /** Created over REST (or by an app through Kairos's client). */
  API,
  /** Declared in the workers' {@code kairos.jobs}; reconciled at every worker start. */
  CONFIG,
  /**
   * Made and kept by Kairos for something else it manages: an OAuth credential's refresh job
   * ({@code oauth-refresh:<credential id>}), notifications ({@code notify:…}); changing it would
   * silently break what it keeps.
   */
  SYSTEM;

  /** Whether jobs of this source are changed only by operators. */
  public boolean operatorsOnly() {
    return this != API;
  }
}
