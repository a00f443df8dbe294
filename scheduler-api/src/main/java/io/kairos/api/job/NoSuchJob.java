package io.kairos.api.job;

/** No job has this id (or it was removed by history retention). */
public class NoSuchJob extends RuntimeException {

  public NoSuchJob(String id) {
    super("no job with id '" + id + "'");
  }
}
