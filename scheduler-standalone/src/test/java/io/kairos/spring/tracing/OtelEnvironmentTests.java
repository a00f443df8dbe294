package io.kairos.spring.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standard OTEL_* variables, as the Spring Boot properties they stand for. */
class OtelEnvironmentTests {

  @Test
  void withoutAnEndpointThereIsNoExporterAndEverySpanIsSampled() {
    Map<String, Object> properties = OtelEnvironment.properties(Map.<String, String>of()::get);
    assertThat(properties)
        .containsExactly(Map.entry("management.tracing.sampling.probability", "1.0"));
    assertThat(properties.keySet()).noneMatch(key -> key.startsWith("management.otlp"));
  }

  @Test
  void theBaseEndpointGetsTheTracesPathOverHttpButNotOverGrpc() {
    assertThat(
            OtelEnvironment.properties(
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")::get))
        .containsEntry("management.otlp.tracing.endpoint", "http://collector:4318/v1/traces")
        .doesNotContainKey("management.otlp.tracing.transport");
    assertThat(
            OtelEnvironment.properties(
                Map.of(
                        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317",
                        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
                    ::get))
        .containsEntry("management.otlp.tracing.endpoint", "http://collector:4317")
        .containsEntry("management.otlp.tracing.transport", "grpc");
  }

  @Test
  void theTracesVariablesWinOverTheGeneralOnes() {
    Map<String, Object> properties =
        OtelEnvironment.properties(
            Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4318",
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318/custom",
                    "OTEL_EXPORTER_OTLP_HEADERS", "x-general=1",
                    "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "api-key=abc, x-team = ops",
                    "OTEL_EXPORTER_OTLP_TIMEOUT", "2500",
                    "OTEL_TRACES_SAMPLER_ARG", "0.25",
                    "OTEL_SDK_DISABLED", "true")
                ::get);
    assertThat(properties)
        .containsEntry("management.otlp.tracing.endpoint", "http://traces:4318/custom")
        .containsEntry("management.otlp.tracing.headers.api-key", "abc")
        .containsEntry("management.otlp.tracing.headers.x-team", "ops")
        .doesNotContainKey("management.otlp.tracing.headers.x-general")
        .containsEntry("management.otlp.tracing.timeout", "2500ms")
        .containsEntry("management.tracing.sampling.probability", "0.25")
        .containsEntry("management.tracing.enabled", "false");
  }
}
