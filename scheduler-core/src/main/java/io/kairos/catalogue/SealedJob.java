package io.kairos.catalogue;

import io.kairos.job.NewJob;
import java.util.Objects;

/**
 * A job as it may be stored: a {@link NewJob} whose secret payload values ({@link
 * io.kairos.job.JobType#secretFields()}) are sealed for its id. Only {@link PayloadSecrets#seal}
 * makes one, and the registry creates, replaces and redefines jobs only from one, so no path can
 * store a secret in plain text, in the job row or in its execution's task data.
 */
public final class SealedJob {

  private final NewJob job;

  SealedJob(NewJob job) {
    this.job = Objects.requireNonNull(job, "job");
  }

  /** The job to store, its payload sealed; its request hash is still that of the plain request. */
  public NewJob job() {
    return job;
  }

  public String id() {
    return job.id();
  }

  @Override
  public String toString() {
    return "SealedJob[" + job.id() + " of type " + job.type() + "]";
  }
}
