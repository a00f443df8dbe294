package io.kairos.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /actuator/prometheus} on the whole API application (real PostgreSQL, real Prometheus
 * registry): admin keys only, with request metrics and the job-creation counter by outcome.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=" + ApiMetricsTests.ADMIN_KEY,
      "kairos.api.keys[0].name=writer",
      "kairos.api.keys[0].scopes=jobs:write",
      // of WRITER_KEY: printf 5c988cdb3789a57a16b3895493c4b725cb13797f4c873c874bc18c9f8d53a0b5
      // metrics-writer-key | sha256sum
      "kairos.api.keys[0].sha256=5c988cdb3789a57a16b3895493c4b725cb13797f4c873c874bc18c9f8d53a0b5"
    })
// Spring Boot test contexts replace exporting registries with a simple one unless asked.
@AutoConfigureObservability(tracing = false)
class ApiMetricsTests {

  static final String ADMIN_KEY = "metrics-admin-key-7d2f9b4e1a6c8e3b5f0a2d7c9e4b1f6a";
  static final String WRITER_KEY = "metrics-writer-key";
  static TestDatabases.TestDatabase database;

  @BeforeAll
  static void database() {
    database = TestDatabases.newDatabase();
  }

  @DynamicPropertySource
  static void datasource(DynamicPropertyRegistry registry) {
    if (database == null) {
      database = TestDatabases.newDatabase();
    }
    registry.add("spring.datasource.url", database::jdbcUrl);
    registry.add("spring.datasource.username", database::user);
    registry.add(
        "spring.datasource.password", () -> database.password() == null ? "" : database.password());
  }

  @LocalServerPort int port;

  @Test
  void prometheusNeedsAnAdminKeyWhileHealthStaysOpen() throws Exception {
    assertThat(send("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
    HttpResponse<String> anonymous = send("GET", "/actuator/prometheus", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).doesNotContain("jvm_");
    HttpResponse<String> writer = send("GET", "/actuator/prometheus", null, WRITER_KEY);
    assertThat(writer.statusCode()).isEqualTo(403);
    assertThat(writer.body()).doesNotContain("jvm_");
    HttpResponse<String> admin = send("GET", "/actuator/prometheus", null, ADMIN_KEY);
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(admin.body()).contains("jvm_memory_used_bytes");
    assertThat(admin.body()).doesNotContain(ADMIN_KEY).doesNotContain(WRITER_KEY);
  }

  @Test
  void jobCreationIsCountedByTypeAndOutcomeAndRequestsAreTimed() throws Exception {
    String job =
        "{\"type\":\"noop\",\"id\":\"m-1\",\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}";
    assertThat(send("POST", "/api/v1/jobs", job, WRITER_KEY).statusCode()).isEqualTo(201);
    assertThat(send("POST", "/api/v1/jobs", job, WRITER_KEY).statusCode()).isEqualTo(200);
    String other = job.replace("2099", "2098");
    assertThat(send("POST", "/api/v1/jobs", other, WRITER_KEY).statusCode()).isEqualTo(409);
    String invalid = "{\"type\":\"noop\",\"schedule\":{\"cron\":\"0 0 0 30 2 *\"}}";
    assertThat(send("POST", "/api/v1/jobs", invalid, WRITER_KEY).statusCode()).isEqualTo(400);
    String madeUp = "{\"type\":\"made-up-type\"}";
    assertThat(send("POST", "/api/v1/jobs", madeUp, WRITER_KEY).statusCode()).isEqualTo(400);

    String metrics = send("GET", "/actuator/prometheus", null, ADMIN_KEY).body();
    assertThat(count(metrics, "noop", "created")).isEqualTo(1.0);
    assertThat(count(metrics, "noop", "replayed")).isEqualTo(1.0);
    assertThat(count(metrics, "noop", "conflict")).isEqualTo(1.0);
    assertThat(count(metrics, "noop", "invalid")).isEqualTo(1.0);
    // A type the client made up is not a tag value of its own.
    assertThat(count(metrics, "unknown", "invalid")).isEqualTo(1.0);
    assertThat(metrics).doesNotContain("made-up-type");
    assertThat(metrics)
        .containsPattern(
            "http_server_requests_seconds_count\\{[^}]*method=\"POST\"[^}]*status=\"201\"[^}]*"
                + "uri=\"/api/v1/jobs\"[^}]*\\} 1(\\.0)?\n");
  }

  private static double count(String metrics, String type, String outcome) {
    Matcher line =
        Pattern.compile(
                "(?m)^kairos_api_job_creations_total\\{outcome=\""
                    + outcome
                    + "\",type=\""
                    + type
                    + "\"\\} (\\S+)$")
            .matcher(metrics);
    assertThat(line.find()).as(type + "/" + outcome + " in\n" + metrics).isTrue();
    return Double.parseDouble(line.group(1));
  }

  private HttpResponse<String> send(String method, String path, String body, String key)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
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
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
