package io.kairos.worker;

import io.kairos.execution.JobTasks;
import io.kairos.execution.PersistedBackoff;
import io.kairos.execution.TimeoutPolicy;
import io.kairos.job.JobType;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Kairos's own worker settings. db-scheduler's knobs (threads, polling, heartbeats, dead-after,
 * shutdown wait) stay under {@code db-scheduler.*}; nothing here duplicates them.
 *
 * @param nodeName this replica's name in the nodes table and in {@code picked_by}; must be unique
 *     in the cluster. Default: host name, process id and a random suffix.
 * @param retry the persisted retry tier's backoff between attempts
 * @param wakeUps whether to LISTEN for the API's wake-up notifications (off: polling only)
 * @param clockRefresh how often the offset to the database clock is measured
 * @param leaseMargin how long before the dead-after window ends a worker whose heartbeats fail
 *     interrupts its jobs and drops their results
 * @param defaultTimeout how long an attempt may run when neither the job nor its type sets a
 *     timeout
 * @param typeTimeouts per job type (key: type name), overriding {@code defaultTimeout}
 * @param clusterCheck how often the cluster-wide pause switch is read to stop or resume polling (a
 *     pause also takes effect at once for claims, which read the switch, whatever this is)
 * @param completionBatchSize at most this many attempt results are written in one transaction
 *     (group commit)
 * @param completionLinger how long a result waits for others to share its transaction; adds at most
 *     this much to each completion, and lets a busy worker commit once for many results
 * @param awaitCompletionCommit whether an executor thread waits until its result committed before
 *     it takes its next execution; off (the default), it hands the result to the group commit and
 *     goes on, while the worker keeps the claim alive until the result is written
 * @param cancelGrace how long a running attempt asked to stop (an operator's cancel, its timeout)
 *     may take before its thread is interrupted
 * @param signalCheck how often, while attempts run, the worker writes their progress and reads the
 *     cancel requests for them
 * @param builtInTypes which built-in job types this worker serves besides the application's own:
 *     {@code all} (the default), {@code none}, or a list of names
 * @param sessionCheck how often this worker looks for nodes whose database session ended (their
 *     process died); a node seen so in two looks in a row is declared dead and its executions are
 *     revived at once
 * @param drainTimeout on SIGTERM, how long running attempts may take to finish; those still running
 *     then are stopped and handed to the other workers at once
 */
@Validated
@ConfigurationProperties("kairos.worker")
public record WorkerProperties(
    @Pattern(regexp = "[A-Za-z0-9._:-]{1,100}", message = "must match [A-Za-z0-9._:-]{1,100}")
        String nodeName,
    @Valid @NotNull @DefaultValue Retry retry,
    @DefaultValue("true") boolean wakeUps,
    @NotNull @DefaultValue("10s") Duration clockRefresh,
    @NotNull @DefaultValue("2s") Duration leaseMargin,
    @NotNull @DefaultValue("1h") Duration defaultTimeout,
    Map<String, Duration> typeTimeouts,
    @Min(1) @Max(10_000) @DefaultValue("100") int completionBatchSize,
    @NotNull @DefaultValue("2ms") Duration completionLinger,
    @DefaultValue("false") boolean awaitCompletionCommit,
    @NotNull @DefaultValue("1s") Duration clusterCheck,
    @DefaultValue("all") List<String> builtInTypes,
    @NotNull @DefaultValue("5s") Duration cancelGrace,
    @NotNull @DefaultValue("1s") Duration signalCheck,
    @NotNull @DefaultValue("250ms") Duration sessionCheck,
    @NotNull @DefaultValue("30s") Duration drainTimeout) {

  public WorkerProperties {
    if (nodeName == null || nodeName.isBlank()) {
      nodeName = defaultNodeName();
    }
    typeTimeouts = typeTimeouts == null ? Map.of() : Map.copyOf(typeTimeouts);
    builtInTypes = builtInTypes == null ? List.of("all") : List.copyOf(builtInTypes);
    if (sessionCheck != null && (sessionCheck.isNegative() || sessionCheck.isZero())) {
      throw new IllegalArgumentException("kairos.worker.session-check must be positive");
    }
    if (drainTimeout != null && drainTimeout.isNegative()) {
      throw new IllegalArgumentException("kairos.worker.drain-timeout must not be negative");
    }
    if (completionLinger != null && completionLinger.isNegative()) {
      throw new IllegalArgumentException("kairos.worker.completion-linger must not be negative");
    }
  }

  /**
   * The built-in types {@code builtInTypes} names, out of {@code runnable}.
   *
   * @throws IllegalStateException naming the property and the known names, for a name that is not a
   *     built-in type
   */
  public List<JobType<?>> servedBuiltInTypes(List<JobType<?>> runnable) {
    List<String> names = builtInTypes.stream().map(String::trim).toList();
    if (names.equals(List.of("all"))) {
      return runnable;
    }
    if (names.equals(List.of("none")) || names.isEmpty()) {
      return List.of();
    }
    Map<String, JobType<?>> byName = new LinkedHashMap<>();
    runnable.forEach(type -> byName.put(type.name(), type));
    List<JobType<?>> served = new ArrayList<>();
    for (String name : names) {
      JobType<?> type = byName.get(name);
      if (type == null) {
        throw new IllegalStateException(
            "kairos.worker.built-in-types names '"
                + name
                + "', not a built-in job type; use all, none or some of: "
                + String.join(", ", byName.keySet()));
      }
      served.add(type);
    }
    return served;
  }

  /** How running attempts are stopped, and how often their signals travel. */
  public JobTasks.Cancels cancels() {
    if (cancelGrace.isNegative()) {
      throw new IllegalArgumentException("kairos.worker.cancel-grace must not be negative");
    }
    if (signalCheck.isNegative() || signalCheck.isZero()) {
      throw new IllegalArgumentException("kairos.worker.signal-check must be positive");
    }
    return new JobTasks.Cancels(cancelGrace, signalCheck);
  }

  public TimeoutPolicy timeouts() {
    return new TimeoutPolicy(defaultTimeout, typeTimeouts);
  }

  /**
   * @param initialBackoff delay before the second attempt
   * @param multiplier growth of the delay per further attempt
   * @param maxBackoff upper bound of the delay
   */
  public record Retry(
      @NotNull @DefaultValue("10s") Duration initialBackoff,
      @DecimalMin("1.0") @DefaultValue("2.0") double multiplier,
      @NotNull @DefaultValue("10m") Duration maxBackoff) {

    public PersistedBackoff backoff() {
      return new PersistedBackoff(initialBackoff, multiplier, maxBackoff);
    }
  }

  /** This machine's host name, or "unknown" when it cannot be resolved. */
  public static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown";
    }
  }

  static String defaultNodeName() {
    String host = hostName();
    long pid = ManagementFactory.getRuntimeMXBean().getPid();
    String name = host.replaceAll("[^A-Za-z0-9._:-]", "-") + "-" + pid + "-";
    return name + UUID.randomUUID().toString().substring(0, 6);
  }
}
