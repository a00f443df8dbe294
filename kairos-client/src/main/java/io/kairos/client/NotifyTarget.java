package io.kairos.client;

import java.util.List;
import java.util.Objects;

/**
 * Who is told about a job's events besides the targets configured on the workers: exactly one of
 * {@code webhook} (an http(s) URL) or {@code email}, with the events wanted ({@code FAILED}, {@code
 * DEAD}, {@code MISSED}, {@code STALE}, {@code RECOVERED}; null means DEAD, MISSED and STALE).
 */
public record NotifyTarget(String webhook, String email, List<String> events) {

  public NotifyTarget {
    events = events == null ? null : List.copyOf(events);
  }

  public static NotifyTarget webhook(String url, String... events) {
    return new NotifyTarget(Objects.requireNonNull(url, "url"), null, eventsOrDefault(events));
  }

  public static NotifyTarget email(String address, String... events) {
    return new NotifyTarget(
        null, Objects.requireNonNull(address, "address"), eventsOrDefault(events));
  }

  private static List<String> eventsOrDefault(String[] events) {
    return events.length == 0 ? null : List.of(events);
  }
}
