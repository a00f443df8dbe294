package io.kairos.api.job;

import io.kairos.catalogue.JobCatalogue;
import io.kairos.job.JobType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * {@value #NAME}: job creation requests by job {@code type} and {@code outcome} ({@code created},
 * {@code replayed}, {@code conflict}, {@code invalid}). Counted for every request that reached
 * validation; a body that is not JSON at all shows only in {@code http.server.requests}. A type not
 * in the catalogue is tagged {@code unknown}, so clients cannot grow the tag set.
 */
@Component
class JobCreationMetrics {

  static final String NAME = "kairos.api.job.creations";
  static final String UNKNOWN_TYPE = "unknown";

  enum Outcome {
    CREATED,
    REPLAYED,
    CONFLICT,
    INVALID;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final Set<String> types;

  JobCreationMetrics(MeterRegistry registry, JobCatalogue catalogue) {
    this.registry = registry;
    this.types = catalogue.types().stream().map(JobType::name).collect(Collectors.toSet());
  }

  /** {@value #BACKFILLED}: occurrences a backfill created jobs for, by job type. */
  static final String BACKFILLED = "kairos.api.backfilled.occurrences";

  void backfilled(String type, int occurrences) {
    Counter.builder(BACKFILLED)
        .description("Past occurrences of recurring jobs run by a backfill request")
        .tag("type", type != null && types.contains(type) ? type : UNKNOWN_TYPE)
        .register(registry)
        .increment(occurrences);
  }

  void record(String type, Outcome outcome) {
    Counter.builder(NAME)
        .description("Job creation requests, by job type and outcome")
        .tag("type", type != null && types.contains(type) ? type : UNKNOWN_TYPE)
        .tag("outcome", outcome.tag())
        .register(registry)
        .increment();
  }
}
