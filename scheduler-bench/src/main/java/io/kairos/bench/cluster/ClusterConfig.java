package io.kairos.bench.cluster;

import java.time.Duration;
import java.util.List;

/**
 * One configuration under test: the same worker and API jars, started with different settings.
 *
 * @param key the column letter in the report
 * @param title what it is, in a few words
 * @param settings the settings that make it what it is, for the report
 * @param workerArgs arguments added to every worker's command line
 * @param apiArgs arguments added to the API's command line
 * @param pollingInterval db-scheduler's polling interval here: the longest a job may wait
 * @param deadAfter heartbeat interval × missed-heartbeats limit: when a silent worker counts as
 *     dead
 */
public record ClusterConfig(
    String key,
    String title,
    String settings,
    List<String> workerArgs,
    List<String> apiArgs,
    Duration pollingInterval,
    Duration deadAfter) {

  public ClusterConfig {
    workerArgs = List.copyOf(workerArgs);
    apiArgs = List.copyOf(apiArgs);
  }

  /** One API JVM with Kairos's defaults and no workers: jobs stay pending. */
  public static ClusterConfig apiOnly(String key) {
    return new ClusterConfig(
        key,
        "API only, Kairos defaults",
        "one API JVM, no workers",
        List.of(),
        List.of(),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5));
  }

  /** Kairos as shipped: nothing overridden. */
  public static ClusterConfig kairosWithWakeUps() {
    return new ClusterConfig(
        "A",
        "Kairos defaults, wake-ups on",
        "poll 1 s, heartbeat 1 s × 5, lock_and_fetch, immediate execution on,"
            + " NOTIFY kairos_due wake-ups (horizon 10 s)",
        List.of(),
        List.of(),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5));
  }

  /** Kairos with the wake-ups switched off on both sides: polling alone finds due jobs. */
  public static ClusterConfig kairosWithoutWakeUps() {
    return new ClusterConfig(
        "B",
        "Kairos defaults, wake-ups off",
        "as A, but API kairos.api.wake-up-horizon=0s and workers kairos.worker.wake-ups=false",
        List.of("--kairos.worker.wake-ups=false"),
        List.of("--kairos.api.wake-up-horizon=0s"),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5));
  }

  /**
   * db-scheduler's own defaults (SchedulerBuilder and the Spring Boot starter, 16.7.1) for every
   * setting that decides speed or failover, and no wake-ups. Operational settings that only matter
   * at start-up and shutdown stay Kairos's.
   *
   * <p>Stock db-scheduler runs on the JVM's clock. The Kairos worker runs it on the database clock,
   * whose offset is re-measured every {@code kairos.worker.clock-refresh}; each re-measurement that
   * moves the clock back by a millisecond makes db-scheduler's poll Waiter (which re-waits a whole
   * interval when its clock has not reached the deadline) wait a second polling interval, 20 s
   * instead of 10 s. So here the offset is measured once, at start, as a constant offset: the
   * JVM-clock behaviour of stock db-scheduler.
   */
  public static ClusterConfig stockDbScheduler() {
    return new ClusterConfig(
        "C",
        "stock db-scheduler defaults",
        "poll 10 s, heartbeat 5 min × 6, fetch (0.5–3.0 × threads), immediate execution off,"
            + " priority off, no wake-ups; database-clock offset measured once at start",
        List.of(
            "--db-scheduler.polling-interval=10s",
            "--db-scheduler.heartbeat-interval=5m",
            "--db-scheduler.missed-heartbeats-limit=6",
            "--db-scheduler.polling-strategy=fetch",
            "--db-scheduler.polling-strategy-lower-limit-fraction-of-threads=0.5",
            "--db-scheduler.polling-strategy-upper-limit-fraction-of-threads=3.0",
            "--db-scheduler.immediate-execution-enabled=false",
            "--db-scheduler.priority-enabled=false",
            "--db-scheduler.threads=10",
            "--kairos.worker.wake-ups=false",
            "--kairos.worker.clock-refresh=3650d"),
        List.of("--kairos.api.wake-up-horizon=0s"),
        Duration.ofSeconds(10),
        Duration.ofMinutes(30));
  }

  public static List<ClusterConfig> all() {
    return List.of(kairosWithWakeUps(), kairosWithoutWakeUps(), stockDbScheduler());
  }
}
