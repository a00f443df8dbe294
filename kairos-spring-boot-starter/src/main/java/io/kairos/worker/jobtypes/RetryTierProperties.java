package io.kairos.worker.jobtypes;

import io.kairos.catalogue.JobCatalogue;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.retry.RetryPolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tier 1 of the two retry tiers (in-process, Resilience4j), under {@code kairos.worker.retry} next
 * to the persisted tier's own keys ({@code initial-backoff}, {@code multiplier}, {@code
 * max-backoff}, in {@code WorkerProperties}): defaults for every job type in {@code in-process},
 * overrides per type in {@code types.<type>}, field by field.
 *
 * <p>The tiers multiply: a job may be tried up to {@code in-process.max-attempts × maxAttempts}
 * times.
 */
@Validated
@ConfigurationProperties("kairos.worker.retry")
public record RetryTierProperties(
    @Valid @NotNull @DefaultValue InProcess inProcess, Map<String, @Valid Override> types) {

  public RetryTierProperties {
    types = types == null ? Map.of() : Map.copyOf(types);
  }

  /**
   * @param maxAttempts tries per attempt, the first included (1: no in-process retry)
   * @param initialWait wait before the second try
   * @param multiplier growth of the wait per further try
   * @param jitter spread of each wait, as a fraction (0.5: ± 50 %)
   * @param maxWait cap of one wait; a {@code Retry-After} longer than this is left to the persisted
   *     tier
   */
  public record InProcess(
      @Min(1) @Max(RetryPolicy.MAX_ATTEMPTS_LIMIT) @DefaultValue("3") int maxAttempts,
      @NotNull @DefaultValue("500ms") Duration initialWait,
      @DecimalMin("1.0") @DefaultValue("2.0") double multiplier,
      @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.5") double jitter,
      @NotNull @DefaultValue("30s") Duration maxWait) {}

  /** A type's settings; those left out are the {@code in-process} ones. */
  public record Override(
      @Min(1) @Max(RetryPolicy.MAX_ATTEMPTS_LIMIT) Integer maxAttempts,
      Duration initialWait,
      @DecimalMin("1.0") Double multiplier,
      @DecimalMin("0.0") @DecimalMax("1.0") Double jitter,
      Duration maxWait) {}

  /**
   * The policy of each type {@code catalogue} serves. Settings for a built-in type this worker does
   * not serve are allowed (the defaults have one for e-mail), and unused.
   */
  public Map<String, RetryPolicy> policies(JobCatalogue catalogue) {
    Set<String> names = new LinkedHashSet<>();
    catalogue.types().forEach(type -> names.add(type.name()));
    BuiltInJobTypes.runnable().forEach(type -> names.add(type.name()));
    return policies(names);
  }

  /** The policy of each type in {@code typeNames}; fails naming the property that is wrong. */
  public Map<String, RetryPolicy> policies(java.util.Collection<String> typeNames) {
    for (String configured : types.keySet()) {
      if (!typeNames.contains(configured)) {
        throw new IllegalStateException(
            "kairos.worker.retry.types."
                + configured
                + ": not a job type of this worker; known: "
                + typeNames);
      }
    }
    Map<String, RetryPolicy> policies = new LinkedHashMap<>();
    for (String type : typeNames) {
      Override o = types.get(type);
      String prefix =
          o == null ? "kairos.worker.retry.in-process" : "kairos.worker.retry.types." + type;
      try {
        policies.put(
            type,
            new RetryPolicy(
                o != null && o.maxAttempts() != null ? o.maxAttempts() : inProcess.maxAttempts(),
                o != null && o.initialWait() != null ? o.initialWait() : inProcess.initialWait(),
                o != null && o.multiplier() != null ? o.multiplier() : inProcess.multiplier(),
                o != null && o.jitter() != null ? o.jitter() : inProcess.jitter(),
                o != null && o.maxWait() != null ? o.maxWait() : inProcess.maxWait()));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(prefix + ": " + e.getMessage(), e);
      }
    }
    return policies;
  }
}
