package io.kairos.job;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a job type is: a stable kebab-case name (persisted as db-scheduler's task name, so never
 * renamed) and the record its payload binds to. What it does is a {@link JobHandler}, kept apart so
 * the API can know every type without being able to run any.
 *
 * <p>{@code secretFields} names the payload's secret values, as dot-separated paths into the
 * payload's JSON where {@code *} is every field of an object ({@code "headers.*"}: every header
 * value). Kairos seals those values with the encryption key before storing them, shows them as
 * {@code "***"}, and opens them on the worker just before the handler runs.
 */
public record JobType<P>(
    String name, Class<P> payloadClass, String description, List<String> secretFields) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  private static final Pattern SECRET_PATH =
      Pattern.compile("([A-Za-z0-9_-]+|\\*)(\\.([A-Za-z0-9_-]+|\\*))*");

  public JobType {
    Objects.requireNonNull(payloadClass, "payloadClass");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("job type name must be kebab-case: " + name);
    }
    description = description == null ? "" : description;
    secretFields = secretFields == null ? List.of() : List.copyOf(secretFields);
    for (String path : secretFields) {
      if (!SECRET_PATH.matcher(path).matches()) {
        throw new IllegalArgumentException("not a secret field path: " + path);
      }
    }
  }

  /** A type without secret fields. */
  public JobType(String name, Class<P> payloadClass, String description) {
    this(name, payloadClass, description, List.of());
  }
}
