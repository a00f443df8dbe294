package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Prometheus server makes of Kairos's {@code /actuator/prometheus}, on the worker and on the
 * API, with tracing on the classpath (as it always is): the OpenMetrics exposition has exemplars
 * only where OpenMetrics 1.0 allows them, and a real Prometheus (Debian's, where installed) scrapes
 * both targets as up. Reading the registries' own text is not enough: Prometheus 2.x rejects a
 * whole scrape for one exemplar on a timer's {@code _count}, which left every target of the Compose
 * demo down while each endpoint answered.
 */
class PrometheusScrapeTests {

  static final String OPENMETRICS = "application/openmetrics-text;version=1.0.0";
  // A sample line's metric name, and its exemplar if it has one ("name{…} value # {…} …").
  static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\S*\\s.*?( # \\{)?");

  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @Test
  void exemplarsAreOnlyOnCountersAndHistogramBuckets() throws Exception {
    try (KairosUnderTest kairos = KairosUnderTest.start()) {
      exercise(kairos);
      for (String target : List.of(workerMetrics(kairos), apiMetrics(kairos))) {
        HttpResponse<String> scrape = scrape(target, kairos);
        assertThat(scrape.statusCode()).as(target).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type"))
            .hasValueSatisfying(
                type -> assertThat(type).startsWith("application/openmetrics-text"));
        assertThat(scrape.body()).as(target).contains("kairos_").endsWith("# EOF\n");
        List<String> misplaced =
            scrape
                .body()
                .lines()
                .filter(line -> !line.startsWith("#") && line.contains(" # {"))
                .filter(line -> !exemplarAllowed(line))
                .toList();
        assertThat(misplaced).as("samples with an exemplar OpenMetrics does not allow").isEmpty();
      }
    }
  }

  @Test
  void aRealPrometheusScrapesTheWorkerAndTheApiAsUp(@TempDir Path dir) throws Exception {
    String prometheus = onPath("prometheus");
    assumeTrue(
        prometheus != null,
        "prometheus is not on the PATH: install it (apt-get install prometheus) to test a real"
            + " scrape");
    try (KairosUnderTest kairos = KairosUnderTest.start()) {
      exercise(kairos);
      Path key = Files.writeString(dir.resolve("api-key"), KairosUnderTest.OPERATOR_KEY);
      Path config =
          Files.writeString(
              dir.resolve("prometheus.yml"),
              """
              global:
                scrape_interval: 1s
                scrape_timeout: 1s
              scrape_configs:
                - job_name: kairos-api
                  metrics_path: /actuator/prometheus
                  authorization:
                    type: Bearer
                    credentials_file: %s
                  static_configs:
                    - targets: ["127.0.0.1:%s"]
                - job_name: kairos-worker
                  metrics_path: /actuator/prometheus
                  static_configs:
                    - targets: ["127.0.0.1:%s"]
              """
                  .formatted(key, port(kairos.api), port(kairos.worker)));
      int web = freePort();
      Process server =
          new ProcessBuilder(
                  prometheus,
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + web)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      try {
        Map<String, String> health = awaitScrapes(web, Duration.ofSeconds(60));
        assertThat(health)
            .as("each target's health and last error, as Prometheus reports them")
            .containsOnlyKeys("kairos-api", "kairos-worker")
            .allSatisfy((job, state) -> assertThat(state).isEqualTo("up "));
      } finally {
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }

  /** Something to count and to time on both applications: a job created and run. */
  private static void exercise(KairosUnderTest kairos) throws Exception {
    String job = "{\"type\":\"noop\"}";
    HttpResponse<String> created = kairos.post("/api/v1/jobs", job);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = kairos.body(created).get("id").asText();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!kairos.state(id).equals("COMPLETED") && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(kairos.state(id)).isEqualTo("COMPLETED");
  }

  /** Polls the targets until each has been scraped; returns "health lastError" by job. */
  private Map<String, String> awaitScrapes(int web, Duration patience) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    Map<String, String> health = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      health.clear();
      try {
        HttpResponse<String> targets =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/api/v1/targets"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode target : json.readTree(targets.body()).at("/data/activeTargets")) {
          health.put(
              target.at("/labels/job").asText(),
              target.get("health").asText() + " " + target.get("lastError").asText());
        }
      } catch (java.io.IOException notListeningYet) {
        // Prometheus is still starting.
      }
      if (health.size() == 2 && health.values().stream().noneMatch(s -> s.startsWith("unknown"))) {
        return health;
      }
      Thread.sleep(250);
    }
    return health;
  }

  private HttpResponse<String> scrape(String url, KairosUnderTest kairos) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Accept", OPENMETRICS)
            .header("Authorization", "Bearer " + KairosUnderTest.OPERATOR_KEY)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** OpenMetrics 1.0: exemplars on a counter's {@code _total} and a histogram's buckets only. */
  private static boolean exemplarAllowed(String line) {
    Matcher sample = SAMPLE.matcher(line);
    assertThat(sample.find()).as(line).isTrue();
    String name = sample.group(1);
    return name.endsWith("_total") || name.endsWith("_bucket");
  }

  private static String workerMetrics(KairosUnderTest kairos) {
    return "http://127.0.0.1:" + port(kairos.worker) + "/actuator/prometheus";
  }

  private static String apiMetrics(KairosUnderTest kairos) {
    return "http://127.0.0.1:" + port(kairos.api) + "/actuator/prometheus";
  }

  private static String port(org.springframework.context.ConfigurableApplicationContext app) {
    return app.getEnvironment().getProperty("local.server.port");
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
