package io.kairos.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The W3C trace context ({@code traceparent}) a job carries from whatever created it to its
 * attempts, and the tracer attempts are traced with. The current span is OpenTelemetry's, which is
 * also Micrometer Tracing's where its OpenTelemetry bridge runs (the API's request spans, a
 * worker's attempt spans): a job created while one is current is stored with its context.
 *
 * <p>The tracer is a no-op until an application hands its {@link OpenTelemetry} over ({@link
 * #use}): the engine alone, in tests or embedded without tracing, records nothing and costs
 * nothing.
 */
public final class JobTraceContext {

  static final String TRACEPARENT = "traceparent";

  private static final String INSTRUMENTATION = "io.kairos";
  private static volatile OpenTelemetry telemetry = OpenTelemetry.noop();

  private JobTraceContext() {}

  /** Attempts are traced with {@code value}'s tracer from now on. */
  public static void use(OpenTelemetry value) {
    telemetry = Objects.requireNonNull(value, "value");
  }

  /** Back to no tracing, if {@code value} is still the one in use (its application stopped). */
  public static void stopUsing(OpenTelemetry value) {
    if (telemetry == value) {
      telemetry = OpenTelemetry.noop();
    }
  }

  static Tracer tracer() {
    return telemetry.getTracer(INSTRUMENTATION);
  }

  /** The current span's context as a {@code traceparent} header value; null if there is none. */
  public static String current() {
    return headers().get(TRACEPARENT);
  }

  /**
   * The current span's context as W3C headers ({@code traceparent}, {@code tracestate} if any) to
   * send along with an outgoing request; empty if there is none.
   */
  public static Map<String, String> headers() {
    Map<String, String> headers = new HashMap<>();
    if (Span.current().getSpanContext().isValid()) {
      W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, Map::put);
    }
    return headers;
  }

  /** The context a {@code traceparent} value names; invalid if it is null or malformed. */
  static SpanContext parse(String traceParent) {
    if (traceParent == null) {
      return SpanContext.getInvalid();
    }
    Context extracted =
        W3CTraceContextPropagator.getInstance()
            .extract(Context.root(), Map.of(TRACEPARENT, traceParent), MapGetter.INSTANCE);
    return Span.fromContext(extracted).getSpanContext();
  }

  private enum MapGetter implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return List.copyOf(carrier.keySet());
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  }
}
