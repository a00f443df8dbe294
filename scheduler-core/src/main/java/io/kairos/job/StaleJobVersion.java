package io.kairos.job;

/**
 * A change was asked for a version of the job's definition that is no longer its definition:
 * someone changed or replaced the job since the caller read it. Nothing was changed; the caller
 * reads the job again and decides (the API answers {@code 412}).
 */
public final class StaleJobVersion extends RuntimeException {

  private final String id;
  private final String current;

  public StaleJobVersion(String id, String current) {
    super(
        "job '"
            + id
            + "' was changed since it was read; nothing was changed: read it again and repeat"
            + " the change on what it is now");
    this.id = id;
    this.current = current;
  }

  public String id() {
    return id;
  }

  /** The version of the definition as it is now. */
  public String current() {
    return current;
  }
}
