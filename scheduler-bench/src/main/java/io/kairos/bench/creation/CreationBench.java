package io.kairos.bench.creation;

import io.kairos.bench.cluster.BenchDatabase;
import io.kairos.bench.cluster.Cluster;
import io.kairos.bench.cluster.ClusterConfig;
import io.kairos.bench.cluster.Launcher;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How many jobs per second clients create over REST v1, one job per request ({@code POST
 * /api/v1/jobs}, several concurrent clients) against batches ({@code POST /api/v1/jobs/batch}), on
 * one API JVM started from its jar on a fresh database, without workers (the jobs stay pending; the
 * API still sends its wake-ups). Rounds alternate between the configurations, so a machine whose
 * load changes meanwhile affects each alike; the report gives every round and the median, and each
 * configuration's median as a multiple of the single-job median.
 */
public final class CreationBench {

  private static final String USAGE =
      """
      java -cp scheduler-bench/target/scheduler-bench.jar io.kairos.bench.creation.CreationBench \\
        [--option=value ...]   (run from the repository root)

        --jdbc-url=URL         PostgreSQL server (default jdbc:postgresql://127.0.0.1:5432/postgres)
        --user=NAME --password=SECRET          default postgres / empty
        --single-clients=N     concurrent clients posting one job per request (default 8)
        --single-jobs=N        jobs per single-job round (default 4000)
        --batch-clients=N,M    concurrent clients posting batches, one configuration each (default 1,2)
        --batch-size=N         jobs per batch request, 1-1000 (default 500)
        --batch-jobs=N         jobs per batch round (default 40000)
        --warm-up-jobs=N       jobs of each kind posted first, not counted (default 2000)
        --rounds=N             rounds (default 3)
        --api-jar=PATH         default scheduler-api/target/scheduler-api-exec.jar
        --worker-jar=PATH      default scheduler-worker/target/scheduler-worker-exec.jar (not started)
        --jvm-options=A,B      options of the API JVM (default -Xmx512m)
        --output=DIR           where the API's log goes (default target/bench/creation)
      """;

  private final Map<String, String> options;

  private CreationBench(Map<String, String> options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      if (arg.equals("--help") || !arg.startsWith("--") || !arg.contains("=")) {
        System.out.println(USAGE);
        System.exit(arg.equals("--help") ? 0 : 2);
      }
      options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    new CreationBench(options).run();
  }

  private String text(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  private int number(String name, int fallback) {
    return Integer.parseInt(text(name, String.valueOf(fallback)));
  }

  private void run() throws Exception {
    int singleClients = number("single-clients", 8);
    int singleJobs = number("single-jobs", 4000);
    int batchSize = number("batch-size", 500);
    int batchJobs = number("batch-jobs", 40000);
    int warmUp = number("warm-up-jobs", 2000);
    int rounds = number("rounds", 3);
    List<Integer> batchClients =
        Arrays.stream(text("batch-clients", "1,2").split(",")).map(Integer::parseInt).toList();
    Launcher launcher =
        new Launcher(
            Launcher.currentJava(),
            Arrays.asList(text("jvm-options", "-Xmx512m").split(",")),
            Path.of(text("worker-jar", "scheduler-worker/target/scheduler-worker-exec.jar")),
            Path.of(text("api-jar", "scheduler-api/target/scheduler-api-exec.jar")),
            text("user", "postgres"),
            text("password", ""),
            Duration.ofMinutes(2));
    ClusterConfig apiOnly =
        new ClusterConfig(
            "creation",
            "API only, Kairos defaults",
            "one API JVM, no workers",
            List.of(),
            List.of(),
            Duration.ofSeconds(1),
            Duration.ofSeconds(5));
    String databaseName = "kairos_bench_creation_" + ProcessHandle.current().pid();
    String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE);
    List<Measured> configurations = new ArrayList<>();
    configurations.add(
        new Measured(
            "single create, " + singleClients + " clients",
            new Creation.Single(singleClients, singleJobs)));
    for (int clients : batchClients) {
      configurations.add(
          new Measured(
              "batch of " + batchSize + ", " + clients + (clients == 1 ? " client" : " clients"),
              new Creation.Batched(clients, batchSize, batchJobs)));
    }
    System.out.printf(
        "Creation benchmark, %s: database %s on %s%n",
        started, databaseName, text("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/postgres"));
    try (BenchDatabase database =
            BenchDatabase.create(
                text("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/postgres"),
                text("user", "postgres"),
                text("password", ""),
                databaseName);
        Cluster cluster =
            Cluster.start(
                apiOnly, launcher, database, Path.of(text("output", "target/bench/creation")), 0)) {
      Creation.Poster poster = new Creation.Poster(cluster);
      System.out.println("API up; warming up (not counted)");
      new Creation.Single(singleClients, warmUp).run(poster, "warm-single");
      new Creation.Batched(batchClients.get(0), batchSize, warmUp).run(poster, "warm-batch");
      for (int round = 1; round <= rounds; round++) {
        for (Measured configuration : configurations) {
          double perSecond =
              configuration.creation().run(poster, "r" + round + "-" + configuration.index());
          configuration.rounds().add(perSecond);
          System.out.printf(
              Locale.ROOT, "round %d: %s: %,.0f jobs/s%n", round, configuration.title(), perSecond);
        }
      }
    }
    System.out.println();
    System.out.println(table(configurations));
  }

  static String table(List<Measured> configurations) {
    double single = configurations.get(0).median();
    StringBuilder out =
        new StringBuilder(
            "| creation over REST v1 | jobs/s, each round | median | × single create |\n"
                + "|---|---|---:|---:|\n");
    for (Measured c : configurations) {
      out.append("| ")
          .append(c.title())
          .append(" | ")
          .append(
              String.join(
                  " / ",
                  c.rounds().stream().map(r -> String.format(Locale.ROOT, "%,.0f", r)).toList()))
          .append(" | ")
          .append(String.format(Locale.ROOT, "%,.0f", c.median()))
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.1f", c.median() / single))
          .append(" |\n");
    }
    return out.toString();
  }

  /** One configuration and its rounds' results. */
  record Measured(String title, Creation creation, List<Double> rounds) {
    Measured(String title, Creation creation) {
      this(title, creation, new ArrayList<>());
    }

    /** A short id prefix telling the configuration's jobs apart. */
    String index() {
      return creation instanceof Creation.Batched b ? "batch" + b.clients() : "single";
    }

    double median() {
      List<Double> sorted = rounds.stream().sorted().toList();
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
  }
}
