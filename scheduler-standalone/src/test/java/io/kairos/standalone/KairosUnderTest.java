package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.ApiApplication;
import io.kairos.testing.TestDatabases;
import io.kairos.worker.WorkerApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker and the API, each a full Spring Boot application, on a fresh real PostgreSQL database,
 * and an HTTP client for the API. Keys: {@link #OPERATOR_KEY} (every scope, as KAIROS_API_KEY would
 * give) and {@link #READER_KEY} (jobs:read, configured as a SHA-256 hash).
 */
final class KairosUnderTest implements AutoCloseable {

  static final String WORKER = "e2e-worker";
  static final String OPERATOR_KEY = "e2e-operator-key-7c1d0a4f9b2e6c8a1d3f5b7e9c2a4d6f";
  static final String READER_KEY = "e2e-reader-key-93be11";

  final ConfigurableApplicationContext worker;
  final ConfigurableApplicationContext api;
  final String base;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  final TestDatabases.TestDatabase db;

  private KairosUnderTest(
      TestDatabases.TestDatabase db,
      ConfigurableApplicationContext worker,
      ConfigurableApplicationContext api) {
    this.db = db;
    this.worker = worker;
    this.api = api;
    this.base = "http://localhost:" + api.getEnvironment().getProperty("local.server.port");
  }

  static KairosUnderTest start() {
    return start(List.of(), List.of());
  }

  /** With extra command-line arguments for the worker and the API. */
  static KairosUnderTest start(List<String> workerExtra, List<String> apiExtra) {
    TestDatabases.TestDatabase db = TestDatabases.newDatabase();
    List<String> common = new ArrayList<>();
    common.add("--spring.datasource.url=" + db.jdbcUrl());
    common.add("--spring.datasource.username=" + db.user());
    common.add("--spring.datasource.password=" + (db.password() == null ? "" : db.password()));
    common.add("--server.port=0");
    List<String> workerArgs = new ArrayList<>(common);
    workerArgs.add("--kairos.worker.node-name=" + WORKER);
    workerArgs.addAll(workerExtra);
    ConfigurableApplicationContext worker =
        WorkerApplication.application().run(workerArgs.toArray(String[]::new));
    List<String> apiArgs = new ArrayList<>(common);
    apiArgs.add("--kairos.api.operator-key=" + OPERATOR_KEY);
    apiArgs.add("--kairos.api.keys[0].name=dashboard");
    apiArgs.add("--kairos.api.keys[0].sha256=" + sha256(READER_KEY));
    apiArgs.add("--kairos.api.keys[0].scopes=jobs:read");
    apiArgs.addAll(apiExtra);
    ConfigurableApplicationContext api =
        ApiApplication.application().run(apiArgs.toArray(String[]::new));
    return new KairosUnderTest(db, worker, api);
  }

  HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return send("POST", path, body, OPERATOR_KEY);
  }

  HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, OPERATOR_KEY);
  }

  HttpResponse<String> delete(String path) throws Exception {
    return send("DELETE", path, null, OPERATOR_KEY);
  }

  HttpResponse<String> patch(String path, String body) throws Exception {
    return send("PATCH", path, body, OPERATOR_KEY);
  }

  JsonNode body(HttpResponse<String> response) throws Exception {
    return json.readTree(response.body());
  }

  JsonNode job(String id) throws Exception {
    HttpResponse<String> response = get("/api/v1/jobs/" + id);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return body(response);
  }

  String state(String id) throws Exception {
    return job(id).get("state").asText();
  }

  JsonNode runs(String id) throws Exception {
    return body(get("/api/v1/jobs/" + id + "/runs")).get("items");
  }

  JsonNode assertProblem(HttpResponse<String> response, int status, String field) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode problem = body(response);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    if (field != null) {
      assertThat(problem.get("field").asText()).isEqualTo(field);
    }
    return problem;
  }

  static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (api != null) {
      api.close();
    }
    if (worker != null) {
      worker.close();
    }
  }
}
