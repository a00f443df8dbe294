package io.kairos.job;

/**
 * How far a running attempt has come, as its handler reports it through {@link
 * JobContext#progress(long, Long, String)}: {@code done} units of {@code total} (null: not known)
 * and a short message. Shown live by the API and the dashboard while the attempt runs.
 */
public record Progress(long done, Long total, String message) {

  public static final int MAX_MESSAGE_LENGTH = 200;

  public Progress {
    if (done < 0) {
      throw new IllegalArgumentException("progress done must not be negative: " + done);
    }
    if (total != null && total < 0) {
      throw new IllegalArgumentException("progress total must not be negative: " + total);
    }
    if (message != null) {
      // One line, bounded: it is shown in tables and reaches logs.
      message = message.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
      if (message.length() > MAX_MESSAGE_LENGTH) {
        message = message.substring(0, MAX_MESSAGE_LENGTH - 1) + "…";
      }
      if (message.isEmpty()) {
        message = null;
      }
    }
  }
}
