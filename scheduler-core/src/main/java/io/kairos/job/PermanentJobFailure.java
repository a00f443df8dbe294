package io.kairos.job;

/**
 * Thrown by a handler when retrying cannot help (bad payload, HTTP 4xx, SMTP 5xx): the attempt
 * fails and the job skips its remaining attempts.
 */
public class PermanentJobFailure extends RuntimeException {

  public PermanentJobFailure(String message) {
    super(message);
  }

  public PermanentJobFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
