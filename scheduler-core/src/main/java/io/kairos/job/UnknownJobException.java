package io.kairos.job;

/** No job has this id. */
public class UnknownJobException extends RuntimeException {

  private final String id;

  public UnknownJobException(String id) {
    super("no job with id '" + id + "'");
    this.id = id;
  }

  public String id() {
    return id;
  }
}
