package io.kairos.api.security;

import java.io.IOException;

/** A request body grew past {@code kairos.api.max-body-size} while it was read. */
public class BodyTooLargeException extends IOException {

  BodyTooLargeException(long maxBytes) {
    super(detail(maxBytes));
  }

  static String detail(long maxBytes) {
    return "the request body is larger than " + maxBytes + " bytes";
  }
}
