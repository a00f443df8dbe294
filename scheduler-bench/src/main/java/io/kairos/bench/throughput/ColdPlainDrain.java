package io.kairos.bench.throughput;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Plain db-scheduler with the tuned fetch limits (0.5, 3.0) drained in a JVM started for the run,
 * so that it meets the backlog as cold as a fresh worker JVM does: in the benchmark's own JVM it
 * runs warm from the configurations before it. The child writes the backlog, then times its
 * scheduler from start to an empty backlog ({@link InProcessDrains#scheduler}) and prints the rate
 * on a line of its own, which the parent reads back.
 */
final class ColdPlainDrain {

  private static final String RATE = "executions/s: ";
  private static final Duration LIMIT = Duration.ofMinutes(5);

  private ColdPlainDrain() {}

  /** Runs the drain in a new JVM on {@code url}, a migrated database of its own. */
  static double drain(ThroughputOptions options, String url, int executions, int threads)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options.jvmOptions());
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            ColdPlainDrain.class.getName(),
            url,
            options.user(),
            Integer.toString(executions),
            Integer.toString(threads)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The password goes by the environment, not the command line other users can read.
    builder.environment().put("KAIROS_BENCH_PASSWORD", options.password());
    Process child = builder.start();
    double rate = Double.NaN;
    List<String> tail = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(RATE)) {
          rate = Double.parseDouble(line.substring(RATE.length()));
        }
        tail.add(line);
        if (tail.size() > 20) {
          tail.remove(0);
        }
      }
    }
    if (!child.waitFor(LIMIT.toMinutes() + 1, TimeUnit.MINUTES)) {
      child.destroyForcibly();
      throw new IllegalStateException("the fresh db-scheduler JVM did not finish");
    }
    if (child.exitValue() != 0 || Double.isNaN(rate)) {
      throw new IllegalStateException(
          "the fresh db-scheduler JVM failed (exit "
              + child.exitValue()
              + "); its last lines:\n"
              + String.join("\n", tail));
    }
    return rate;
  }

  /** The child: {@code <jdbc-url> <user> <executions> <threads>}. */
  public static void main(String[] args) throws Exception {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(args[0]);
    hikari.setUsername(args[1]);
    hikari.setPassword(System.getenv().getOrDefault("KAIROS_BENCH_PASSWORD", ""));
    int executions = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    hikari.setMaximumPoolSize(Math.min(threads, 24));
    double rate;
    try (HikariDataSource pool = new HikariDataSource(hikari)) {
      rate =
          InProcessDrains.scheduler(
              pool, executions, threads, ThroughputBench.Kind.PLAIN_TUNED, LIMIT);
    }
    System.out.println(RATE + rate);
    System.exit(0);
  }
}
