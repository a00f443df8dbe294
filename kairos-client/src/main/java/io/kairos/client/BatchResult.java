package io.kairos.client;

import java.util.List;

/**
 * The answer to {@link KairosClient#createAll}: counts by outcome, and one item per request item.
 */
public record BatchResult(
    int created, int replayed, int invalid, int conflict, List<BatchItem> items) {

  public BatchResult {
    items = items == null ? List.of() : List.copyOf(items);
  }
}
