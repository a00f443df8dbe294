package io.kairos.job;

/**
 * What a job type does. One call is one attempt: returning normally is success, throwing is failure
 * ({@link PermanentJobFailure} when retrying cannot help). Handlers must honour thread
 * interruption, which is how timeouts and lost leases stop them.
 */
@FunctionalInterface
public interface JobHandler<P> {

  void handle(P payload, JobContext context) throws Exception;
}
