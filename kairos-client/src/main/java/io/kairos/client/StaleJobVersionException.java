package io.kairos.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A change with an expected version ({@code If-Match}) was refused with {@code 412}: the job was
 * changed or replaced since that version was read, and nothing was changed. Read the job again
 * ({@link KairosClient#getVersioned}), decide, and change it with the new version.
 */
public final class StaleJobVersionException extends KairosApiException {

  private final String currentVersion;

  StaleJobVersionException(
      String operation,
      String title,
      String detail,
      Duration retryAfter,
      Map<String, JsonNode> properties,
      String currentVersion) {
    super(operation, 412, title, detail, null, retryAfter, properties);
    this.currentVersion = currentVersion;
  }

  /** The version the job has now, when the answer named it ({@code ETag}). */
  public Optional<String> currentVersion() {
    return Optional.ofNullable(currentVersion);
  }
}
