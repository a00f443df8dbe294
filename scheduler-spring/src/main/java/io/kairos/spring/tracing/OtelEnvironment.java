package io.kairos.spring.tracing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Reads OpenTelemetry's standard {@code OTEL_*} environment variables into the Spring Boot
 * properties that configure Micrometer Tracing's OpenTelemetry bridge, so that the API and every
 * worker export spans the way any OpenTelemetry-instrumented process does. Without {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} (or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) no exporter exists
 * and nothing connects anywhere; spans still give log lines their trace id and webhooks their
 * {@code traceparent}.
 *
 * <p>The properties go in last: an application's own {@code management.*} settings win. Every span
 * is sampled unless {@code OTEL_TRACES_SAMPLER_ARG} says otherwise (Spring Boot's default keeps one
 * in ten, which would drop most jobs' traces). {@code OTEL_SERVICE_NAME} and {@code
 * OTEL_RESOURCE_ATTRIBUTES} Spring Boot reads itself.
 */
public final class OtelEnvironment implements EnvironmentPostProcessor, Ordered {

  static final String SOURCE_NAME = "kairosOtelEnvironment";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    environment
        .getPropertySources()
        .addLast(new MapPropertySource(SOURCE_NAME, properties(environment::getProperty)));
  }

  /** What the variables {@code variables} resolves say, as Spring Boot properties. */
  static Map<String, Object> properties(Variables variables) {
    Map<String, Object> properties = new LinkedHashMap<>();
    if ("true".equalsIgnoreCase(trimmed(variables, "OTEL_SDK_DISABLED"))) {
      properties.put("management.tracing.enabled", "false");
    }
    String probability = trimmed(variables, "OTEL_TRACES_SAMPLER_ARG");
    properties.put(
        "management.tracing.sampling.probability", probability == null ? "1.0" : probability);
    String protocol =
        first(variables, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL");
    boolean grpc = protocol != null && protocol.toLowerCase(Locale.ROOT).equals("grpc");
    if (grpc) {
      properties.put("management.otlp.tracing.transport", "grpc");
    }
    String endpoint = trimmed(variables, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    if (endpoint == null) {
      String base = trimmed(variables, "OTEL_EXPORTER_OTLP_ENDPOINT");
      // The signal's path is appended to the base for HTTP, not for gRPC (the specification).
      if (base != null) {
        endpoint = grpc ? base : base.replaceAll("/+$", "") + "/v1/traces";
      }
    }
    if (endpoint != null) {
      properties.put("management.otlp.tracing.endpoint", endpoint);
    }
    String headers =
        first(variables, "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS");
    if (headers != null) {
      for (String pair : headers.split(",")) {
        int equals = pair.indexOf('=');
        if (equals > 0) {
          properties.put(
              "management.otlp.tracing.headers." + pair.substring(0, equals).trim(),
              pair.substring(equals + 1).trim());
        }
      }
    }
    String timeout =
        first(variables, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT");
    if (timeout != null) {
      properties.put("management.otlp.tracing.timeout", timeout + "ms");
    }
    return properties;
  }

  private static String first(Variables variables, String specific, String general) {
    String value = trimmed(variables, specific);
    return value != null ? value : trimmed(variables, general);
  }

  private static String trimmed(Variables variables, String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  /** Looks a variable up; null if unset. */
  @FunctionalInterface
  interface Variables {
    String get(String name);
  }
}
