package io.kairos.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What to measure and against what; every option has a default, so the benchmark runs with none.
 *
 * @param jdbcUrl an existing PostgreSQL server; its database is used only to create and drop the
 *     benchmark's own databases
 * @param nowSamples jobs posted for "now" per configuration, counted in the statistics
 * @param aheadSamples jobs posted for {@link #ahead} later per configuration, counted
 * @param warmUpJobs jobs posted (for now) to each fresh cluster before any sample, not counted, so
 *     that JIT compilation and connection set-up are not measured as firing delay
 * @param warmUpSpacing pause between two warm-up posts; warm-up needs no idle cluster
 * @param spacing pause between two posts, so that the cluster is idle when each job becomes due
 * @param failoverRounds SIGKILLs per Kairos configuration
 * @param stockFailoverRounds SIGKILLs for stock db-scheduler, each waiting the whole {@link
 *     #failoverBound} (its dead-after window is 30 min)
 * @param failoverBound longest wait for a killed worker's execution to run again
 * @param failoverJobDuration how long the {@code noop} job that is running when its worker is
 *     killed would take
 * @param configurations which of A, B, C to run (all by default)
 */
public record BenchOptions(
    String jdbcUrl,
    String user,
    String password,
    Path workerJar,
    Path apiJar,
    int nowSamples,
    int aheadSamples,
    int warmUpJobs,
    Duration warmUpSpacing,
    Duration spacing,
    Duration ahead,
    int failoverRounds,
    int stockFailoverRounds,
    Duration failoverBound,
    Duration failoverJobDuration,
    Duration startupTimeout,
    List<String> jvmOptions,
    List<String> configurations,
    Path outputDir) {

  static final String USAGE =
      """
      java -jar scheduler-bench/target/scheduler-bench.jar [--option=value ...]
        --jdbc-url=URL             existing PostgreSQL (default jdbc:postgresql://127.0.0.1:5432/postgres)
        --user=NAME --password=PW  its credentials (default postgres, empty)
        --worker-jar=PATH          default scheduler-worker/target/scheduler-worker-exec.jar
        --api-jar=PATH             default scheduler-api/target/scheduler-api-exec.jar
        --now-samples=N            jobs for now per configuration (default 200)
        --ahead-samples=N          jobs for +2 s per configuration (default 100)
        --warm-up=N                uncounted jobs per fresh cluster (default 100)
        --warm-up-spacing=DURATION pause between warm-up posts (default 25ms)
        --spacing=DURATION         pause between posts (default 150ms)
        --failover-rounds=N        SIGKILLs per Kairos configuration (default 3)
        --stock-failover-rounds=N  SIGKILLs for stock db-scheduler (default 1)
        --failover-bound=DURATION  longest wait for a re-run (default 90s)
        --failover-job-duration=D  how long the killed job runs (default 60s)
        --startup-timeout=DURATION longest wait for a process to be healthy (default 180s)
        --jvm-options=A,B          options of the worker and API JVMs (default -Xmx512m)
        --configurations=A,B,C     which configurations to run (default A,B,C)
        --output=DIR               where report.md and the process logs go (default target/bench)
      Durations: 150ms, 2s, 90s, 5m or ISO-8601 (PT2S).""";

  public BenchOptions {
    if (nowSamples < 1 || aheadSamples < 1 || warmUpJobs < 0) {
      throw new IllegalArgumentException("sample counts must be positive");
    }
    if (failoverRounds < 1 || stockFailoverRounds < 1) {
      throw new IllegalArgumentException("failover rounds must be at least 1");
    }
    if (failoverJobDuration.compareTo(Duration.ofSeconds(10)) < 0) {
      // It must still be running when the kill lands and when its loss is detected.
      throw new IllegalArgumentException("--failover-job-duration must be at least 10s");
    }
    jvmOptions = List.copyOf(jvmOptions);
    configurations = List.copyOf(configurations);
  }

  static BenchOptions parse(String[] args) {
    Map<String, String> given = new HashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("expected --option=value, got '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      given.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    Options o = new Options(given);
    BenchOptions options =
        new BenchOptions(
            o.text("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/postgres"),
            o.text("user", "postgres"),
            o.text("password", ""),
            Path.of(o.text("worker-jar", "scheduler-worker/target/scheduler-worker-exec.jar")),
            Path.of(o.text("api-jar", "scheduler-api/target/scheduler-api-exec.jar")),
            o.integer("now-samples", 200),
            o.integer("ahead-samples", 100),
            o.integer("warm-up", 100),
            o.duration("warm-up-spacing", "25ms"),
            o.duration("spacing", "150ms"),
            Duration.ofSeconds(2),
            o.integer("failover-rounds", 3),
            o.integer("stock-failover-rounds", 1),
            o.duration("failover-bound", "90s"),
            o.duration("failover-job-duration", "60s"),
            o.duration("startup-timeout", "180s"),
            o.list("jvm-options", "-Xmx512m"),
            o.list("configurations", "A,B,C").stream()
                .map(s -> s.toUpperCase(Locale.ROOT))
                .toList(),
            Path.of(o.text("output", "target/bench")));
    o.rejectUnknown();
    return options;
  }

  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    }
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    long amount = Long.parseLong(t.substring(0, t.length() - 1));
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      default -> throw new IllegalArgumentException("not a duration: " + text);
    };
  }

  /** Reads options by name and remembers which were used, so typos are refused. */
  private static final class Options {
    private final Map<String, String> given;
    private final List<String> used = new ArrayList<>();

    Options(Map<String, String> given) {
      this.given = given;
    }

    String text(String name, String fallback) {
      used.add(name);
      return given.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
      return Integer.parseInt(text(name, Integer.toString(fallback)));
    }

    Duration duration(String name, String fallback) {
      return parseDuration(text(name, fallback));
    }

    List<String> list(String name, String fallback) {
      String value = text(name, fallback);
      return value.isBlank()
          ? List.of()
          : List.of(value.split(",")).stream().map(String::trim).toList();
    }

    void rejectUnknown() {
      for (String name : given.keySet()) {
        if (!used.contains(name)) {
          throw new IllegalArgumentException("unknown option --" + name);
        }
      }
    }
  }
}
