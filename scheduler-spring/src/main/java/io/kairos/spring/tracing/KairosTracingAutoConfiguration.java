package io.kairos.spring.tracing;

import io.kairos.tracing.JobTraceContext;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Hands the application's OpenTelemetry (Spring Boot's, which Micrometer Tracing's bridge uses) to
 * the engine, so that attempts are spans of the same tracer as the API's requests: exported where
 * those are, and current where log lines read the trace id.
 */
@AutoConfiguration
@ConditionalOnClass(OpenTelemetry.class)
public class KairosTracingAutoConfiguration {

  @Bean
  static AttemptTracer kairosAttemptTracer(ObjectProvider<OpenTelemetry> telemetry) {
    return new AttemptTracer(telemetry);
  }

  /** Installs the tracer once every singleton exists, and removes it when the context closes. */
  static final class AttemptTracer implements SmartInitializingSingleton, DisposableBean {

    private final ObjectProvider<OpenTelemetry> telemetry;
    private volatile OpenTelemetry installed;

    AttemptTracer(ObjectProvider<OpenTelemetry> telemetry) {
      this.telemetry = telemetry;
    }

    @Override
    public void afterSingletonsInstantiated() {
      OpenTelemetry found = telemetry.getIfAvailable();
      if (found != null) {
        JobTraceContext.use(found);
        installed = found;
      }
    }

    @Override
    public void destroy() {
      if (installed != null) {
        JobTraceContext.stopUsing(installed);
      }
    }
  }
}
