package io.kairos.bench.creation;

import io.kairos.bench.cluster.BenchDatabase;
import io.kairos.bench.cluster.Cluster;
import io.kairos.bench.cluster.ClusterConfig;
import io.kairos.bench.cluster.Launcher;
import io.kairos.bench.measure.Stats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How many jobs per second clients create over REST v1, one job per request ({@code POST
 * /api/v1/jobs}, {@value #SINGLE_CLIENTS} concurrent clients) against batches of {@value
 * #BATCH_SIZE} ({@code POST /api/v1/jobs/batch}, 1 and 2 concurrent clients), on one API JVM
 * started from its jar, without workers (the jobs stay pending; the API still sends its wake-ups).
 * Rounds alternate between the configurations, so a machine whose load changes meanwhile affects
 * each alike; the table gives every round and the median, and each configuration's median as a
 * multiple of the single-job median.
 */
public final class CreationRounds {

  public static final int SINGLE_CLIENTS = 8;
  public static final int BATCH_SIZE = 500;
  public static final List<Integer> BATCH_CLIENTS = List.of(1, 2);

  private CreationRounds() {}

  /**
   * How much each round creates: {@code batchJobs} per batch round, a tenth of that per single
   * round (one job per request is some thirty times slower, and its rounds would otherwise take
   * most of the part's time), and half a single round of each kind to warm the API up first.
   */
  public record Sizes(int batchJobs, int rounds) {

    public int singleJobs() {
      return Math.max(1, batchJobs / 10);
    }

    public int warmUpJobs() {
      return Math.max(1, singleJobs() / 2);
    }
  }

  /** Where progress lines go, formatted as {@link String#format}. */
  @FunctionalInterface
  public interface Progress {
    void line(String format, Object... args);
  }

  /**
   * Starts the API on {@code database}, warms it up (not counted), then runs {@code sizes.rounds()}
   * rounds of every configuration and returns them in the order of the table.
   */
  public static List<Measured> run(
      Launcher launcher, BenchDatabase database, Path logDir, Sizes sizes, Progress progress)
      throws Exception {
    List<Measured> configurations = new ArrayList<>();
    configurations.add(
        new Measured(
            "single create, " + SINGLE_CLIENTS + " clients",
            new Creation.Single(SINGLE_CLIENTS, sizes.singleJobs())));
    // One client alone: its request time is the server's time plus a loopback round trip.
    configurations.add(
        new Measured("single create, 1 client", new Creation.Single(1, sizes.singleJobs() / 2)));
    for (int clients : BATCH_CLIENTS) {
      configurations.add(
          new Measured(
              "batch of " + BATCH_SIZE + ", " + clients + (clients == 1 ? " client" : " clients"),
              new Creation.Batched(clients, BATCH_SIZE, sizes.batchJobs())));
    }
    progress.line(
        "creation: starting an API JVM (%s), no workers", String.join(" ", launcher.jvmOptions()));
    try (Cluster cluster =
        Cluster.start(ClusterConfig.apiOnly("creation"), launcher, database, logDir, 0)) {
      Creation.Poster poster = new Creation.Poster(cluster);
      progress.line(
          "creation: API up; warming up with %,d jobs of each kind (not counted)",
          sizes.warmUpJobs());
      new Creation.Single(SINGLE_CLIENTS, sizes.warmUpJobs()).run(poster, "warm-single");
      new Creation.Batched(BATCH_CLIENTS.get(0), BATCH_SIZE, sizes.warmUpJobs())
          .run(poster, "warm-batch");
      poster.takeRequestNanos();
      int total = sizes.rounds() * configurations.size();
      int done = 0;
      for (int round = 1; round <= sizes.rounds(); round++) {
        for (Measured configuration : configurations) {
          done++;
          Creation.ServerTimer before = poster.serverTimer();
          double perSecond =
              configuration.creation().run(poster, "r" + round + "-" + configuration.idPrefix());
          configuration.rounds().add(perSecond);
          if (configuration.creation() instanceof Creation.Single) {
            configuration.serverMillis().add(poster.serverTimer().meanMillisSince(before));
          }
          poster.takeRequestNanos().forEach(n -> configuration.requestMillis().add(n / 1e6));
          progress.line(
              "creation [%d/%d] round %d, %s: %,.0f jobs/s",
              done, total, round, configuration.title(), perSecond);
        }
      }
    }
    return configurations;
  }

  /** The Markdown table: every round, the median, and the median over the first row's. */
  public static String table(List<Measured> configurations) {
    double single = configurations.get(0).median();
    StringBuilder out =
        new StringBuilder(
            "| creation over REST v1 | jobs/s, each round | median | × single create |"
                + " request time p50 / p99 ms | mean server time ms, each round |\n"
                + "|---|---|---:|---:|---:|---|\n");
    for (Measured c : configurations) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,.0f | %.1f | %.2f / %.2f | %s |%n",
              c.title(),
              String.join(
                  " / ",
                  c.rounds().stream().map(r -> String.format(Locale.ROOT, "%,.0f", r)).toList()),
              c.median(),
              c.median() / single,
              Stats.percentile(c.requestMillis(), 50),
              Stats.percentile(c.requestMillis(), 99),
              String.join(
                  " / ",
                  c.serverMillis().stream()
                      .map(r -> String.format(Locale.ROOT, "%.2f", r))
                      .toList())));
    }
    return out.toString();
  }

  /** One configuration and its rounds' results, in jobs per second. */
  public record Measured(
      String title,
      Creation creation,
      List<Double> rounds,
      List<Double> requestMillis,
      List<Double> serverMillis) {

    Measured(String title, Creation creation) {
      this(title, creation, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    /** Tells the configuration's job ids apart from the other configurations' in a round. */
    String idPrefix() {
      return creation instanceof Creation.Batched b
          ? "batch" + b.clients()
          : "single" + ((Creation.Single) creation).clients();
    }

    public double median() {
      return Stats.median(rounds);
    }
  }
}
