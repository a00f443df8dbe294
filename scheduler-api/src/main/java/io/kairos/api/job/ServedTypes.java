package io.kairos.api.job;

import io.kairos.catalogue.PublishedTypes;
import java.util.Set;

/**
 * The types some live worker serves, read at most once a second: every job response asks, and a
 * page of a hundred jobs must not cost a hundred queries.
 */
final class ServedTypes {

  private static final long FRESH_NANOS = 1_000_000_000L;

  private final PublishedTypes published;
  private volatile Set<String> served = Set.of();
  private volatile long readAt = System.nanoTime() - 2 * FRESH_NANOS;

  ServedTypes(PublishedTypes published) {
    this.published = published;
  }

  Set<String> get() {
    long now = System.nanoTime();
    if (now - readAt > FRESH_NANOS) {
      Set<String> read = published.servedTypes();
      served = read == null ? Set.of() : read;
      readAt = now;
    }
    return served;
  }
}
