package io.kairos.worker.declared;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code kairos.jobs}: the maintenance jobs an operator declares (the seed systems' task
 * definitions). Reconciled with the cluster at every worker start; see {@link
 * DeclaredJobsReconciler}. Checked there, so a bad entry stops start-up naming the entry and field.
 */
@ConfigurationProperties("kairos")
public record DeclaredJobsProperties(List<Entry> jobs) {

  public DeclaredJobsProperties {
    jobs = jobs == null ? List.of() : List.copyOf(jobs);
  }

  /**
   * @param payload the job type's payload, keys as in its JSON (e.g. {@code batchSize})
   * @param enabled false keeps the entry in the file but removes the job from the cluster
   */
  public record Entry(
      String id,
      String type,
      Schedule schedule,
      Map<String, Object> payload,
      Boolean enabled,
      Integer maxAttempts,
      Duration timeout,
      Integer priority) {}

  /**
   * Exactly one of cron (five or six fields or a macro, with timeZone), every, or daily times (with
   * timeZone).
   */
  public record Schedule(String cron, Duration every, List<String> daily, String timeZone) {}
}
