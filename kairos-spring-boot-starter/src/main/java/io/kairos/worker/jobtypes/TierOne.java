package io.kairos.worker.jobtypes;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.retry.RetryPolicy;
import io.kairos.retry.RetryingHandler;
import java.util.Map;

/**
 * Builds each job type's tier-1 Retry (named after the type, so its Resilience4j metrics carry
 * {@code name="<type>"}) and puts it around the type's handler.
 */
public final class TierOne {

  private final RetryRegistry registry;
  private final Map<String, RetryPolicy> policies;

  public TierOne(RetryRegistry registry, Map<String, RetryPolicy> policies) {
    this.registry = registry;
    this.policies = Map.copyOf(policies);
  }

  public <P> JobHandler<P> decorate(JobType<P> type, JobHandler<P> handler) {
    RetryPolicy policy = policies.getOrDefault(type.name(), RetryPolicy.DEFAULT);
    Retry retry = registry.retry(type.name(), policy.toRetryConfig());
    return RetryingHandler.decorate(handler, retry);
  }

  public RetryPolicy policyOf(String type) {
    return policies.getOrDefault(type, RetryPolicy.DEFAULT);
  }
}
