package io.kairos.bench.cluster;

import io.kairos.schema.KairosSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Worker JVMs and one API JVM of one configuration on one fresh database. The API always gets a
 * random {@code KAIROS_API_KEY} and every request carries it, so the benchmark keeps working once
 * the API requires it.
 */
public final class Cluster implements AutoCloseable {

  private static final Duration HEALTH_POLL = Duration.ofMillis(250);

  private final ClusterConfig config;
  private final Launcher launcher;
  private final BenchDatabase database;
  private final Path logDir;
  private final String apiKey;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<NodeProcess> started = new ArrayList<>();
  private final List<NodeProcess> workers = new ArrayList<>();
  private NodeProcess api;
  private int workersStarted;

  private Cluster(ClusterConfig config, Launcher launcher, BenchDatabase database, Path logDir) {
    this.config = config;
    this.launcher = launcher;
    this.database = database;
    this.logDir = logDir;
    byte[] key = new byte[24];
    new SecureRandom().nextBytes(key);
    this.apiKey = HexFormat.of().formatHex(key);
  }

  /** Starts the workers and the API together and returns once all are healthy. */
  public static Cluster start(
      ClusterConfig config, Launcher launcher, BenchDatabase database, Path logDir, int workers) {
    Cluster cluster = new Cluster(config, launcher, database, logDir);
    try {
      List<NodeProcess> fresh = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        fresh.add(cluster.launchWorker());
      }
      cluster.api = launcher.startApi(database.url(), cluster.apiKey, config.apiArgs(), logDir);
      cluster.started.add(cluster.api);
      for (NodeProcess worker : fresh) {
        cluster.awaitWorkerReady(worker);
      }
      cluster.awaitHealthy(cluster.api, true);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** Starts one more worker (e.g. in place of a killed one) and returns once it is ready. */
  public NodeProcess addWorker() {
    NodeProcess worker = launchWorker();
    awaitWorkerReady(worker);
    return worker;
  }

  /** SIGKILLs a worker; it is no longer one of {@link #workers()}. */
  public void kill(NodeProcess worker) {
    worker.kill();
    workers.remove(worker);
  }

  /**
   * Fails if a worker or the API is gone although the benchmark did not kill it. Exit code 143 is
   * SIGTERM, 137 SIGKILL.
   */
  public void requireIntact() {
    List<NodeProcess> expected = new ArrayList<>(workers);
    expected.add(api);
    for (NodeProcess node : expected) {
      if (!node.alive()) {
        throw new ClusterDisturbed(
            node
                + " exited with "
                + node.process().exitValue()
                + " without being stopped by the benchmark; end of its log:\n"
                + node.logTail(8));
      }
    }
  }

  public Optional<NodeProcess> worker(String nodeName) {
    return workers.stream().filter(w -> w.name().equals(nodeName)).findFirst();
  }

  public List<NodeProcess> workers() {
    return List.copyOf(workers);
  }

  public ClusterConfig config() {
    return config;
  }

  public URI apiBase() {
    return URI.create("http://127.0.0.1:" + api.port());
  }

  public String apiKey() {
    return apiKey;
  }

  public HttpClient http() {
    return http;
  }

  private NodeProcess launchWorker() {
    workersStarted++;
    String name = config.key().toLowerCase(Locale.ROOT) + "-w" + workersStarted;
    NodeProcess worker = launcher.startWorker(name, database.url(), config.workerArgs(), logDir);
    started.add(worker);
    workers.add(worker);
    return worker;
  }

  /** Healthy over HTTP, and registered as RUNNING in the nodes table (its scheduler is up). */
  private void awaitWorkerReady(NodeProcess worker) {
    awaitHealthy(worker, false);
    boolean registered =
        Await.until(launcher.startupTimeout(), HEALTH_POLL, () -> registered(worker)).isPresent();
    if (!registered) {
      throw startupFailure(worker, "never registered as RUNNING in kairos_node");
    }
  }

  private Optional<Boolean> registered(NodeProcess worker) throws SQLException {
    try (PreparedStatement st =
        database
            .connection()
            .prepareStatement(
                KairosSchema.DEFAULT.sql(
                    "select 1 from kairos_node where name = ? and state = 'RUNNING'"))) {
      st.setString(1, worker.name());
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? Optional.of(true) : Optional.empty();
      }
    } catch (SQLException e) {
      // The schema may not exist yet while the first JVM is still migrating.
      return Optional.empty();
    }
  }

  private void awaitHealthy(NodeProcess node, boolean withKey) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/actuator/health"))
            .timeout(Duration.ofSeconds(5))
            .GET();
    if (withKey) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    boolean healthy =
        Await.until(
                launcher.startupTimeout(),
                HEALTH_POLL,
                () -> {
                  if (!node.alive()) {
                    throw startupFailure(node, "exited with " + node.process().exitValue());
                  }
                  try {
                    int status =
                        http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    return status == 200 ? Optional.of(true) : Optional.empty();
                  } catch (IOException e) {
                    return Optional.empty();
                  }
                })
            .isPresent();
    if (!healthy) {
      throw startupFailure(
          node, "not healthy after " + launcher.startupTimeout().toSeconds() + " s");
    }
  }

  private IllegalStateException startupFailure(NodeProcess node, String what) {
    return new IllegalStateException(
        node + " " + what + "; end of " + node.log() + ":\n" + node.logTail(30));
  }

  /** Kills every process this cluster started, dead or alive. */
  @Override
  public void close() {
    for (NodeProcess node : started) {
      try {
        node.close();
      } catch (RuntimeException e) {
        System.err.println("bench: could not stop " + node + ": " + e.getMessage());
      }
    }
    workers.clear();
  }
}
