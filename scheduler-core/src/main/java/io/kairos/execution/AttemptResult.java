package io.kairos.execution;

import io.kairos.catalogue.SealedJob;
import io.kairos.job.RunOutcome;
import java.util.List;

/**
 * What running the handler came to.
 *
 * @param failure null when it succeeded
 * @param permanent a failure that no retry can fix (bad payload, {@code PermanentJobFailure})
 * @param revokedBecause set when the lease guard gave the attempt up while it ran: another worker
 *     may already run it again, so nothing of it may be recorded
 * @param followUps the jobs a successful attempt asked for, sealed, created with its result
 */
record AttemptResult(
    RunOutcome outcome,
    Throwable failure,
    boolean permanent,
    String revokedBecause,
    List<SealedJob> followUps) {

  AttemptResult {
    followUps = followUps == null ? List.of() : List.copyOf(followUps);
  }

  AttemptResult(RunOutcome outcome, Throwable failure, boolean permanent, String revokedBecause) {
    this(outcome, failure, permanent, revokedBecause, List.of());
  }

  boolean cancelled() {
    return outcome == RunOutcome.CANCELLED;
  }

  /**
   * Neither a success nor a failure: cancelled, or a recurring occurrence not run because it was
   * missed (MISSED); the job's success and failure counts stay as they were.
   */
  boolean neutral() {
    return outcome == RunOutcome.CANCELLED || outcome == RunOutcome.MISSED;
  }

  boolean succeeded() {
    return outcome == RunOutcome.SUCCEEDED;
  }

  /** The failure as history shows it: exception class and message. */
  String error() {
    if (failure == null) {
      return null;
    }
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
