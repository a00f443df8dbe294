package io.kairos.tracing;

import io.kairos.job.JobData;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * One attempt as a span, current on the thread running it (so the handler's log lines carry its
 * trace id, and its outgoing requests its context). A one-time job's attempts are children of the
 * context it was created in (the request that created it). Each occurrence of a recurring job
 * starts a trace of its own, linked to its creator's: one trace per occurrence, not one growing for
 * ever.
 */
public final class AttemptSpan implements AutoCloseable {

  static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("kairos.job.id");
  static final AttributeKey<String> JOB_TYPE = AttributeKey.stringKey("kairos.job.type");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("kairos.attempt");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("kairos.outcome");

  private final Span span;
  private final Scope scope;

  private AttemptSpan(Span span) {
    this.span = span;
    this.scope = span.makeCurrent();
  }

  /**
   * Starts the span of attempt {@code data.attempt()} of job {@code jobId} and makes it current.
   */
  public static AttemptSpan start(String jobType, String jobId, JobData data) {
    SpanContext creator = JobTraceContext.parse(data.traceParent());
    SpanBuilder builder =
        JobTraceContext.tracer()
            .spanBuilder("kairos attempt " + jobType)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(JOB_ID, jobId)
            .setAttribute(JOB_TYPE, jobType)
            .setAttribute(ATTEMPT, (long) data.attempt());
    if (!creator.isValid()) {
      builder.setNoParent();
    } else if (data.schedule().recurring()) {
      builder.setNoParent().addLink(creator);
    } else {
      builder.setParent(Context.root().with(Span.wrap(creator)));
    }
    return new AttemptSpan(builder.startSpan());
  }

  /** How the attempt ended ({@code failure} null if it succeeded). */
  public void ended(String outcome, Throwable failure) {
    span.setAttribute(OUTCOME, outcome);
    if (failure != null) {
      // The type only: a failure's message may quote the payload, secrets and all.
      span.setStatus(StatusCode.ERROR, failure.getClass().getName());
    }
  }

  @Override
  public void close() {
    try {
      scope.close();
    } finally {
      span.end();
    }
  }
}
