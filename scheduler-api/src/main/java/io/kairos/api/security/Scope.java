package io.kairos.api.security;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What an API key may do. {@code admin} may do everything; {@code jobs:write} includes reading. */
public enum Scope {
  JOBS_READ("jobs:read"),
  JOBS_WRITE("jobs:write"),
  ADMIN("admin");

  private final String text;

  Scope(String text) {
    this.text = text;
  }

  @JsonValue
  public String text() {
    return text;
  }

  /** Whether a key with this scope may do what needs {@code required}. */
  boolean grants(Scope required) {
    return this == required || this == ADMIN || (this == JOBS_WRITE && required == JOBS_READ);
  }

  static Scope parse(String text) {
    for (Scope scope : values()) {
      if (scope.text.equals(text)) {
        return scope;
      }
    }
    throw new IllegalArgumentException(
        "unknown scope '"
            + text
            + "'; known: "
            + Arrays.stream(values()).map(Scope::text).collect(Collectors.joining(", ")));
  }
}
