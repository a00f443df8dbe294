package io.kairos.test;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The test kit's own settings, {@code kairos.test-kit.*}.
 *
 * @param enabled test mode; set by {@link KairosTest}
 * @param instantInProcessRetries tier 1 of the retries (in process, Resilience4j) tries again after
 *     1 ms instead of its configured waits (Resilience4j's least; 0 is refused), and leaves a fault
 *     asking for a longer {@code Retry-After} to the persisted tier, where {@link
 *     KairosTestKit#advance} reaches it. The number of tries is unchanged. {@code false}: the
 *     configured waits, slept on the test's thread.
 */
@ConfigurationProperties("kairos.test-kit")
public record KairosTestKitProperties(
    boolean enabled, @DefaultValue("true") boolean instantInProcessRetries) {

  /**
   * What test mode sets, below the test's own properties and above the application's:
   *
   * <ul>
   *   <li>{@code kairos.worker.wake-ups=false}: the API's wake-ups would only ask a scheduler to
   *       poll, and the manual scheduler polls only in {@link KairosTestKit#runDue()}; the LISTEN
   *       connection would be a background thread for nothing.
   *   <li>{@code kairos.housekeeping.enabled=false}: the chores (stale marks, pruning) run on
   *       wall-clock timers on background threads, so they would change jobs at moments the test
   *       does not choose.
   *   <li>{@code kairos.worker.completion-linger=0ms}: a result is written at once rather than
   *       waiting for others to share its transaction; {@code runDue()} returns after it committed
   *       either way.
   *   <li>{@code kairos.worker.await-completion-commit=true}: the test's thread waits for each
   *       result's commit, so {@code runDue()} returns with every result written.
   * </ul>
   */
  static final Map<String, Object> TEST_MODE =
      Map.of(
          "kairos.test-kit.enabled", "true",
          "kairos.worker.wake-ups", "false",
          "kairos.housekeeping.enabled", "false",
          "kairos.worker.completion-linger", "0ms",
          "kairos.worker.await-completion-commit", "true");
}
