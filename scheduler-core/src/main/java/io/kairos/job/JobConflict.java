package io.kairos.job;

/** The id is taken by a job created from a different request, or by one the API may not change. */
public final class JobConflict extends RuntimeException {
  private final String id;

  public JobConflict(String id) {
    this(id, "job '" + id + "' already exists with a different definition");
  }

  public JobConflict(String id, String message) {
    super(message);
    this.id = id;
  }

  public String id() {
    return id;
  }
}
