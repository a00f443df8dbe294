package io.kairos.job;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where a notification goes: a signed webhook ({@code webhook}, an http(s) URL, sent as a {@code
 * webhook} job) or an e-mail address ({@code email}, sent as an {@code email} job), and the events
 * it wants ({@link JobEvent#DEFAULTS} when none are named). Exactly one of {@code webhook} and
 * {@code email}. Whether the URL may be reached, or the address is valid, is checked where the
 * target is accepted (the API, the worker's configuration), against the same rules as the job
 * types'.
 */
public record NotifyTarget(String webhook, String email, Set<JobEvent> events) {

  public NotifyTarget {
    if ((webhook == null) == (email == null)) {
      throw new InvalidJobException("webhook", "give exactly one of 'webhook' or 'email'");
    }
    events =
        events == null || events.isEmpty()
            ? JobEvent.DEFAULTS
            : java.util.Collections.unmodifiableSet(EnumSet.copyOf(events));
  }

  public static NotifyTarget webhook(String url, Set<JobEvent> events) {
    return new NotifyTarget(url, null, events);
  }

  public static NotifyTarget email(String address, Set<JobEvent> events) {
    return new NotifyTarget(null, address, events);
  }

  public boolean wants(JobEvent event) {
    return events.contains(event);
  }

  /** The address notifications go to (URL or e-mail address). */
  public String address() {
    return webhook != null ? webhook : email;
  }

  /** Parses an event name as given by a user ({@code "dead"} or {@code "DEAD"}). */
  public static JobEvent event(String field, String name) {
    if (name != null) {
      try {
        return JobEvent.valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw new InvalidJobException(
        field, "'" + name + "' is not an event; known: " + java.util.List.of(JobEvent.values()));
  }
}
