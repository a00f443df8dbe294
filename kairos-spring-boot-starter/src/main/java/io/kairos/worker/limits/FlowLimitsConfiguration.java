package io.kairos.worker.limits;

import io.kairos.core.Kairos;
import io.kairos.limits.FlowLimits;
import io.kairos.limits.LimitStore;
import io.kairos.limits.LimitedClaims;
import io.kairos.worker.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Flow limits in a worker: its claims of limited types go through {@link LimitedClaims}; it
 * declares its limits for the API and the dashboard as it starts; it measures them.
 */
@Configuration(proxyBeanMethods = false)
public class FlowLimitsConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(FlowLimitsConfiguration.class);

  /** How the worker's claims of limited types are made (none are when no limit is set). */
  @Bean
  @DependsOnDatabaseInitialization
  LimitedClaims limitedClaims(
      FlowLimitsProperties properties, Kairos kairos, WorkerProperties worker) {
    FlowLimits limits = properties.flowLimits();
    LimitStore store = kairos.limits();
    if (!limits.isEmpty() || !store.declared().isEmpty()) {
      store.declare(limits, worker.nodeName());
    }
    if (!limits.isEmpty()) {
      LOG.info("Flow limits: {}", limits);
    }
    return new LimitedClaims(limits, kairos.schema(), kairos.schedulerDataSource());
  }

  @Bean(destroyMethod = "close")
  FlowLimitMetrics flowLimitMetrics(MeterRegistry registry, Kairos kairos, LimitedClaims claims) {
    return new FlowLimitMetrics(registry, kairos.limits(), !claims.limits().isEmpty());
  }
}
