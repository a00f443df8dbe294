package io.kairos.api.job;

import io.kairos.catalogue.PublishedTypes;
import java.util.Set;

/**
 * The types some live worker serves, read at most once per {@code
 * kairos.published-types-read-every}: every job response asks, and a page of a hundred jobs must
 * not cost a hundred queries.
 */
final class ServedTypes {

  private final PublishedTypes published;
  private volatile Set<String> served = Set.of();
  private volatile long readAt;
  private volatile boolean readOnce;

  ServedTypes(PublishedTypes published) {
    this.published = published;
  }

  Set<String> get() {
    long now = System.nanoTime();
    if (!readOnce || now - readAt >= published.readEvery().toNanos()) {
      Set<String> read = published.servedTypes();
      served = read == null ? Set.of() : read;
      readAt = now;
      readOnce = true;
    }
    return served;
  }
}
