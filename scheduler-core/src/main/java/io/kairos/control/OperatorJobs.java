package io.kairos.control;

import io.kairos.job.JobSource;
import io.kairos.job.OperatorJobException;

/**
 * The one rule for every path that changes an existing job (change, run, pause, resume, cancel,
 * replace, requeue or delete a dead job): jobs of the operators ({@link JobSource#CONFIG}) and of
 * Kairos ({@link JobSource#SYSTEM}) are changed only by an operator (an admin key); a client is
 * refused with an {@link OperatorJobException} before anything is written. A job's source never
 * changes while its row exists, so a check made in the transaction before the change holds for it.
 * Unknown ids pass: the change itself reports them.
 */
public final class OperatorJobs {

  private OperatorJobs() {}

  /** Whether a caller ({@code operator} or not) may change jobs of {@code source}. */
  public static boolean mayChange(JobSource source, boolean operator) {
    return operator || !source.operatorsOnly();
  }

  /**
   * @throws OperatorJobException if the job exists, is an operator's or Kairos's, and the caller is
   *     not an operator
   */
  public static void refuseUnlessAllowed(
      ControlStore store, String id, boolean operator, String action) {
    if (operator) {
      return;
    }
    store
        .sourceOf(id)
        .filter(source -> !mayChange(source, false))
        .ifPresent(
            source -> {
              throw new OperatorJobException(id, source, action);
            });
  }
}
