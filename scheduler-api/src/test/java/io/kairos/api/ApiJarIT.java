package io.kairos.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.catalogue.PublishedTypes;
import io.kairos.job.JobType;
import io.kairos.node.NodeStore;
import io.kairos.schema.KairosSchema;
import io.kairos.serialization.KairosJson;
import io.kairos.testing.TestDatabases;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged API jar, started as operators start it: what its tests' classpath has but the jar
 * lacks (a dependency left in test scope) shows here, not in production.
 */
class ApiJarIT {

  static final String KEY = "api-jar-operator-key-7d1f4b9c2e6a8035f1c4d7e9b2a6c8f0";

  record Reminder(String invoiceId) {}

  Process api;

  @AfterEach
  void stop() {
    if (api != null) {
      api.destroyForcibly();
    }
  }

  @Test
  void thePackagedApiStartsAndChecksAPublishedTypesPayload() throws Exception {
    TestDatabases.TestDatabase database = TestDatabases.newDatabase();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    api = start(database, port);
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .until(() -> send(http, port, "GET", "/api/v1/job-types", null).statusCode() == 200);

    // A worker of an application publishes its own type (the API migrated the tables by now).
    DataSource dataSource = database.dataSource();
    new NodeStore(dataSource, KairosSchema.DEFAULT)
        .register("app-1", "host", 1, Duration.ofSeconds(5));
    new PublishedTypes(
            dataSource,
            KairosSchema.DEFAULT,
            KairosJson.newObjectMapper(),
            Duration.ofSeconds(15),
            Duration.ZERO)
        .publish("app-1", List.of(new JobType<>("invoice-reminder", Reminder.class, "")));

    HttpResponse<String> refused =
        send(
            http,
            port,
            "POST",
            "/api/v1/jobs",
            "{\"type\":\"invoice-reminder\",\"payload\":{\"invoice\":\"A\"}}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    JsonNode problem = new ObjectMapper().readTree(refused.body());
    assertThat(problem.get("field").asText()).isEqualTo("payload.invoice");

    HttpResponse<String> created =
        send(
            http,
            port,
            "POST",
            "/api/v1/jobs",
            "{\"type\":\"invoice-reminder\",\"payload\":{\"invoiceId\":\"A\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  private static Process start(TestDatabases.TestDatabase database, int port) throws Exception {
    Path jar = Path.of(System.getProperty("basedir", "."), "target", "scheduler-api-exec.jar");
    assertThat(jar).exists();
    Path log = Path.of(System.getProperty("basedir", "."), "target", "api-jar-it.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
    command.add("--spring.datasource.url=" + database.jdbcUrl());
    command.add("--spring.datasource.username=" + database.user());
    if (database.password() != null) {
      command.add("--spring.datasource.password=" + database.password());
    }
    command.add("--server.port=" + port);
    command.add("--kairos.api.operator-key=" + KEY);
    command.add("--kairos.published-types-read-every=0s");
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .directory(new File(System.getProperty("java.io.tmpdir")))
        .start();
  }

  private static HttpResponse<String> send(
      HttpClient http, int port, String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
