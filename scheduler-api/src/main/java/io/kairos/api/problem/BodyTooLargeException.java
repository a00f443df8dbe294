package io.kairos.api.problem;

import java.io.IOException;

/** A request body grew past {@code kairos.api.max-body-size} while it was read. */
public class BodyTooLargeException extends IOException {

  public BodyTooLargeException(long maxBytes) {
    super(detail(maxBytes));
  }

  public static String detail(long maxBytes) {
    return "the request body is larger than " + maxBytes + " bytes";
  }
}
