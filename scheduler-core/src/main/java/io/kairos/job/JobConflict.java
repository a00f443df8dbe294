package io.kairos.job;

/** The id is taken by a job created from a different request. */
public final class JobConflict extends RuntimeException {
  private final String id;

  public JobConflict(String id) {
    super("job '" + id + "' already exists with a different definition");
    this.id = id;
  }

  public String id() {
    return id;
  }
}
