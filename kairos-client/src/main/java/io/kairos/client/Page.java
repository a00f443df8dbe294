package io.kairos.client;

import java.util.List;
import java.util.Optional;

/** One page of a list; pass {@code nextCursor} back for the next page, null on the last. */
public record Page<T>(List<T> items, String nextCursor) {

  public Page {
    items = items == null ? List.of() : List.copyOf(items);
  }

  /** The cursor of the next page, empty on the last page. */
  public Optional<String> next() {
    return Optional.ofNullable(nextCursor);
  }
}
