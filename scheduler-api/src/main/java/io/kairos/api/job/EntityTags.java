package io.kairos.api.job;

import io.kairos.job.InvalidJobException;

/** The job version an {@code If-Match} header names. */
final class EntityTags {

  private EntityTags() {}

  /**
   * The version in {@code "…"} (or weak {@code W/"…"}); null for no header or {@code *} (any
   * version).
   *
   * @throws InvalidJobException naming {@code If-Match} when it is not one entity tag
   */
  static String version(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
      return null;
    }
    String tag = ifMatch.strip();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    if (tag.length() < 2 || !tag.startsWith("\"") || !tag.endsWith("\"") || tag.contains(",")) {
      throw new InvalidJobException(
          "If-Match", "must be one entity tag as the job's ETag gives it, such as \"0a1b2c\"");
    }
    return tag.substring(1, tag.length() - 1);
  }
}
