package io.kairos.job;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a job type is: a stable kebab-case name (persisted as db-scheduler's task name, so never
 * renamed) and the record its payload binds to. What it does is a {@link JobHandler}, kept apart so
 * the API can know every type without being able to run any.
 */
public record JobType<P>(String name, Class<P> payloadClass, String description) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  public JobType {
    Objects.requireNonNull(payloadClass, "payloadClass");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("job type name must be kebab-case: " + name);
    }
    description = description == null ? "" : description;
  }
}
