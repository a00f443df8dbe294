package io.kairos.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.kairos.job.JobData;
import io.kairos.job.ScheduleSpec;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Attempts as spans, recorded by the SDK's in-memory exporter. */
class AttemptSpanTests {

  InMemorySpanExporter exported = InMemorySpanExporter.create();
  OpenTelemetrySdk telemetry =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exported))
                  .build())
          .build();

  @BeforeEach
  void use() {
    JobTraceContext.use(telemetry);
  }

  @AfterEach
  void stop() {
    JobTraceContext.stopUsing(telemetry);
    telemetry.close();
  }

  /** The context a job is created in: a span of the creator's, current while it is created. */
  private JobData createdWithin(Span creator, ScheduleSpec schedule) {
    try (Scope ignored = creator.makeCurrent()) {
      assertThat(JobTraceContext.current())
          .isEqualTo(
              "00-"
                  + creator.getSpanContext().getTraceId()
                  + "-"
                  + creator.getSpanContext().getSpanId()
                  + "-01");
      return JobData.first(JsonNodeFactory.instance.objectNode(), schedule, 3)
          .withTraceParent(JobTraceContext.current());
    } finally {
      creator.end();
    }
  }

  @Test
  void aOneTimeJobsAttemptsAreChildrenOfTheContextItWasCreatedIn() {
    Span request = JobTraceContext.tracer().spanBuilder("POST /api/v1/jobs").startSpan();
    JobData data = createdWithin(request, ScheduleSpec.at(Instant.parse("2030-01-01T00:00:00Z")));

    try (AttemptSpan attempt = AttemptSpan.start("webhook", "job-1", data)) {
      // Current while the handler runs: outgoing requests carry the attempt's context.
      SpanContext current = Span.current().getSpanContext();
      assertThat(current.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
      assertThat(JobTraceContext.headers())
          .containsEntry(
              "traceparent", "00-" + current.getTraceId() + "-" + current.getSpanId() + "-01");
      attempt.ended("FAILED", new IllegalStateException("secret-bearing message"));
    }
    try (AttemptSpan retry = AttemptSpan.start("webhook", "job-1", data.nextAttempt())) {
      retry.ended("SUCCEEDED", null);
    }

    List<SpanData> attempts = attemptSpans();
    assertThat(attempts).hasSize(2);
    for (SpanData attempt : attempts) {
      assertThat(attempt.getName()).isEqualTo("kairos attempt webhook");
      assertThat(attempt.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(attempt.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
      assertThat(attempt.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
      assertThat(attempt.getAttributes().get(AttemptSpan.JOB_ID)).isEqualTo("job-1");
      assertThat(attempt.getLinks()).isEmpty();
    }
    assertThat(attempts.get(0).getAttributes().get(AttemptSpan.ATTEMPT)).isEqualTo(1L);
    assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attempts.get(0).getStatus().getDescription())
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(attempts.get(1).getAttributes().get(AttemptSpan.ATTEMPT)).isEqualTo(2L);
    assertThat(attempts.get(1).getAttributes().get(AttemptSpan.OUTCOME)).isEqualTo("SUCCEEDED");
    assertThat(attempts.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
  }

  @Test
  void eachOccurrenceOfARecurringJobIsANewTraceLinkedToTheCreators() {
    Span request = JobTraceContext.tracer().spanBuilder("POST /api/v1/jobs").startSpan();
    JobData data = createdWithin(request, ScheduleSpec.every(Duration.ofHours(1)));

    AttemptSpan.start("log", "job-2", data).close();
    AttemptSpan.start("log", "job-2", data.nextOccurrence()).close();

    List<SpanData> occurrences = attemptSpans();
    assertThat(occurrences).hasSize(2);
    assertThat(occurrences.get(0).getTraceId()).isNotEqualTo(occurrences.get(1).getTraceId());
    for (SpanData occurrence : occurrences) {
      assertThat(occurrence.getTraceId()).isNotEqualTo(request.getSpanContext().getTraceId());
      assertThat(occurrence.getParentSpanContext().isValid()).isFalse();
      assertThat(occurrence.getLinks())
          .singleElement()
          .satisfies(
              link ->
                  assertThat(link.getSpanContext().getSpanId())
                      .isEqualTo(request.getSpanContext().getSpanId()));
    }
  }

  @Test
  void withoutAStoredContextAnAttemptStartsATraceAndNothingIsStoredOutsideASpan() {
    assertThat(JobTraceContext.current()).isNull();
    assertThat(JobTraceContext.headers()).isEmpty();
    JobData data =
        JobData.first(
            JsonNodeFactory.instance.objectNode(),
            ScheduleSpec.at(Instant.parse("2030-01-01T00:00:00Z")),
            1);
    assertThat(data.traceParent()).isNull();
    AttemptSpan.start("noop", "job-3", data.withTraceParent("not a traceparent")).close();
    assertThat(attemptSpans())
        .singleElement()
        .satisfies(span -> assertThat(span.getParentSpanContext().isValid()).isFalse());
  }

  private List<SpanData> attemptSpans() {
    return exported.getFinishedSpanItems().stream()
        .filter(span -> span.getName().startsWith("kairos attempt"))
        .toList();
  }
}
