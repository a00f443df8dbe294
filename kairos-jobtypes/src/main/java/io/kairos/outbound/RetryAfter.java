package io.kairos.outbound;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): seconds, or an HTTP date. */
public final class RetryAfter {

  /** A server asking for more than a day is not taken at its word. */
  static final Duration MAX = Duration.ofDays(1);

  private RetryAfter() {}

  public static Optional<Duration> parse(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return Optional.of(bounded(Duration.ofSeconds(Math.max(0, seconds))));
    } catch (NumberFormatException e) {
      // not delta-seconds; try an HTTP date
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return Optional.of(bounded(wait.isNegative() ? Duration.ZERO : wait));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Duration bounded(Duration d) {
    return d.compareTo(MAX) > 0 ? MAX : d;
  }
}
