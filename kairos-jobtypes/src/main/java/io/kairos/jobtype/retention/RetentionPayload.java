package io.kairos.jobtype.retention;

import io.kairos.job.InvalidJobException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Which rows a {@code retention} job deletes: those of {@code table} whose {@code column} is older
 * than {@code olderThan}, or, with {@code expired: true}, whose {@code column} (an expiry time) is
 * not in the future. Names are plain SQL identifiers, optionally schema-qualified; they are checked
 * against the database before any SQL is built from them.
 *
 * @param batchSize rows deleted per transaction, so no long lock is held (default 1000)
 */
public record RetentionPayload(
    String table, String column, Duration olderThan, Boolean expired, Integer batchSize) {

  static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  static final int DEFAULT_BATCH = 1000;
  static final int MAX_BATCH = 100_000;

  public RetentionPayload {
    if (table == null || !qualifiedIdentifier(table)) {
      throw new InvalidJobException("table", "must be a SQL identifier, optionally schema.table");
    }
    if (column == null || !IDENTIFIER.matcher(column).matches()) {
      throw new InvalidJobException("column", "must be a SQL identifier");
    }
    expired = Boolean.TRUE.equals(expired);
    if (expired == (olderThan != null)) {
      throw new InvalidJobException(
          "olderThan", "give either 'olderThan' (a duration) or 'expired: true', not both");
    }
    if (olderThan != null && (olderThan.isNegative() || olderThan.isZero())) {
      throw new InvalidJobException("olderThan", "must be a positive duration");
    }
    batchSize = batchSize == null ? DEFAULT_BATCH : batchSize;
    if (batchSize < 1 || batchSize > MAX_BATCH) {
      throw new InvalidJobException("batchSize", "must be between 1 and " + MAX_BATCH);
    }
  }

  String schema() {
    int dot = table.indexOf('.');
    return dot < 0 ? null : table.substring(0, dot);
  }

  String tableName() {
    int dot = table.indexOf('.');
    return dot < 0 ? table : table.substring(dot + 1);
  }

  private static boolean qualifiedIdentifier(String name) {
    String[] parts = name.split("\\.", -1);
    if (parts.length > 2) {
      return false;
    }
    for (String part : parts) {
      if (!IDENTIFIER.matcher(part).matches()) {
        return false;
      }
    }
    return true;
  }
}
