package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The standalone jar's flags, as {@code java -jar kairos-standalone.jar …} passes them to {@link
 * StandaloneKairos#start(String...)}: {@code --server.port} is the API's, the worker keeps a port
 * of its own, a clash is refused naming the flag, {@code --spring.datasource.url} replaces the
 * embedded PostgreSQL.
 */
class StandaloneFlagsTests {

  static final String KEY = "standalone-flags-key-3e8b1d6f9a2c5e7b0d4f8a1c6e9b3d5f";

  @TempDir Path dataDirectory;

  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void serverPortIsTheApisPortAndTheWorkerKeepsItsOwn() throws Exception {
    int apiPort = freePort();
    try (StandaloneKairos kairos =
        StandaloneKairos.start(
            "--server.port=" + apiPort,
            "--kairos.worker-port=0",
            "--kairos.data-dir=" + dataDirectory,
            "--kairos.api.operator-key=" + KEY)) {
      assertThat(kairos.apiPort()).isEqualTo(apiPort);
      assertThat(kairos.workerPort()).isNotEqualTo(apiPort).isPositive();
      assertThat(get(apiPort, "/api/v1/nodes", KEY).statusCode()).isEqualTo(200);
      assertThat(get(apiPort, "/api/v1/nodes", null).statusCode()).isEqualTo(401);
      // The worker's port serves the worker's actuator, without the API.
      HttpResponse<String> workerHealth = get(kairos.workerPort(), "/actuator/health", null);
      assertThat(workerHealth.body()).contains("dbScheduler");
      assertThat(get(kairos.workerPort(), "/api/v1/nodes", KEY).statusCode()).isEqualTo(404);
      // The embedded PostgreSQL keeps its data where --kairos.data-dir said.
      assertThat(Files.exists(dataDirectory.resolve("PG_VERSION"))).isTrue();
    }
  }

  @Test
  void anExternalDatabaseReplacesTheEmbeddedOne() throws Exception {
    TestDatabases.TestDatabase db = TestDatabases.newDatabase();
    int apiPort = freePort();
    try (StandaloneKairos kairos =
        StandaloneKairos.start(
            "--server.port=" + apiPort,
            "--kairos.worker-port=0",
            "--kairos.data-dir=" + dataDirectory,
            "--spring.datasource.url=" + db.jdbcUrl(),
            "--spring.datasource.username=" + db.user(),
            "--spring.datasource.password=" + (db.password() == null ? "" : db.password()),
            "--kairos.api.operator-key=" + KEY)) {
      HttpResponse<String> created =
          send(
              apiPort,
              "POST",
              "/api/v1/jobs",
              "{\"type\":\"noop\",\"id\":\"flags-external\","
                  + "\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JdbcTemplate jdbc =
          new JdbcTemplate(new DriverManagerDataSource(db.jdbcUrl(), db.user(), db.password()));
      assertThat(
              jdbc.queryForObject(
                  KairosSchema.DEFAULT.sql(
                      "select count(*) from kairos_job where id = 'flags-external'"),
                  Integer.class))
          .isEqualTo(1);
      assertThat(Files.exists(dataDirectory.resolve("PG_VERSION"))).isFalse();
    }
  }

  @Test
  void theApiOnTheWorkersPortIsRefusedNamingTheFlagToUse() {
    Path data = dataDirectory.resolve("data");
    String dataDir = "--kairos.data-dir=" + data;
    assertThatThrownBy(() -> StandaloneKairos.start(dataDir, "--server.port=8081"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--server.port")
        .hasMessageContaining("--kairos.worker-port=8082");
    assertThatThrownBy(
            () ->
                StandaloneKairos.start(dataDir, "--server.port=9090", "--kairos.worker-port=9090"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kairos.worker-port=9091");
    assertThatThrownBy(
            () ->
                StandaloneKairos.start(
                    dataDir, "--management.server.port=9191", "--kairos.worker-port=9191"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--management.server.port")
        .hasMessageContaining("--kairos.worker-port");
    assertThatThrownBy(() -> StandaloneKairos.start(dataDir, "--server.port=http"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--server.port must be a port number");
    // Nothing was started, so nothing was written.
    assertThat(data).doesNotExist();
  }

  @Test
  void theWorkerNeverSeesTheApisPortsAndTheStandaloneFlagsReachNeither() {
    String[] args = {
      "--server.port=9090",
      "--management.server.port=9091",
      "--kairos.worker-port=9092",
      "--kairos.data-dir=/tmp/x",
      "--db-scheduler.threads=4",
      "--kairos.webhook.allow-private-networks=true"
    };
    assertThat(StandaloneKairos.forWorker(args))
        .containsExactly(
            "--db-scheduler.threads=4", "--kairos.webhook.allow-private-networks=true");
    assertThat(StandaloneKairos.forApi(args))
        .containsExactly(
            "--management.server.port=9091",
            "--db-scheduler.threads=4",
            "--kairos.webhook.allow-private-networks=true");
  }

  @Test
  void anOptionTheUserGivesReplacesKairossOwnInsteadOfJoiningIt() {
    assertThat(
            StandaloneKairos.merge(
                List.of("--server.port=8081", "--kairos.worker.node-name=standalone"),
                List.of("--kairos.worker.node-name=mine", "--db-scheduler.threads=4")))
        .containsExactly(
            "--server.port=8081", "--kairos.worker.node-name=mine", "--db-scheduler.threads=4");
  }

  private HttpResponse<String> get(int port, String path, String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(int port, String method, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + KEY)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
