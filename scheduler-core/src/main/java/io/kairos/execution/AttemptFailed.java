package io.kairos.execution;

/**
 * Thrown by {@link JobTask} when an attempt failed, so that db-scheduler hands the execution to the
 * task's {@code FailureHandler}, {@link PersistedRetryTier}. It carries the attempt; its cause is
 * the handler's failure.
 */
final class AttemptFailed extends RuntimeException {

  private final transient StartedAttempt attempt;
  private final transient AttemptResult result;

  AttemptFailed(StartedAttempt attempt, AttemptResult result) {
    super(
        "job "
            + attempt.context().jobId()
            + " attempt "
            + attempt.context().attempt()
            + " "
            + result.outcome()
            + ": "
            + result.error(),
        result.failure(),
        false,
        false);
    this.attempt = attempt;
    this.result = result;
  }

  StartedAttempt attempt() {
    return attempt;
  }

  AttemptResult result() {
    return result;
  }
}
