package io.kairos.spring.tracing;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps {@code /actuator/prometheus} scrapeable by every Prometheus once a tracer exists. With a
 * tracer, Spring Boot attaches exemplars (trace ids) to samples, and Micrometer tells the
 * Prometheus client to write them on every metric type, including a timer's {@code _count}.
 * OpenMetrics 1.0 allows exemplars only on counters and histogram buckets, and Prometheus 2.x
 * rejects the whole scrape for one misplaced exemplar ("metric name … does not support exemplars"),
 * so every target would show as down. This puts exemplars back where the format allows them.
 *
 * <p>The property goes in last: an application that sets it itself (for a Prometheus that accepts
 * exemplars everywhere) wins.
 */
public final class OpenMetricsExemplars implements EnvironmentPostProcessor, Ordered {

  static final String SOURCE_NAME = "kairosOpenMetricsExemplars";
  static final String PROPERTY =
      "management.prometheus.metrics.export.properties."
          + "io.prometheus.exporter.exemplarsOnAllMetricTypes";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    environment
        .getPropertySources()
        .addLast(new MapPropertySource(SOURCE_NAME, Map.of(PROPERTY, "false")));
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
