package io.kairos.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.ApiApplication;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Without an encryption key, a job with secret payload values (webhook headers) cannot be stored
 * sealed, so it is refused with 503 naming the key; one without secrets is created.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=" + SecretPayloadWithoutKeyTests.KEY,
      "kairos.encryption.key=",
      "kairos.webhook.allowed-networks=127.0.0.0/8"
    })
class SecretPayloadWithoutKeyTests {

  static final String KEY = "nokey-admin-key-1b6e3f9a2c7d4e8b5f0a3c6d9e2b7f4a";
  static final String SECRET = "Bearer tok-0c3e8a1f6b9d2e5a7c4f1b8d3e6a9c2f";
  static TestDatabases.TestDatabase database;

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
  @Autowired JdbcTemplate jdbc;

  @Test
  void aWebhookWithHeadersIsRefusedWith503NamingTheKeyAndOneWithoutIsCreated(CapturedOutput output)
      throws Exception {
    HttpResponse<String> refused =
        post(
            "{\"type\": \"webhook\", \"id\": \"with-headers\", \"payload\": {\"url\":"
                + " \"http://127.0.0.1/hook\", \"headers\": {\"Authorization\": \""
                + SECRET
                + "\"}}}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    JsonNode problem = new ObjectMapper().readTree(refused.body());
    assertThat(problem.path("detail").asText()).contains("KAIROS_ENCRYPTION_KEY");
    assertThat(refused.body()).doesNotContain(SECRET);
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select count(*) from kairos_job"), Integer.class))
        .isZero();
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select count(*) from scheduled_tasks"), Integer.class))
        .isZero();

    HttpResponse<String> created =
        post(
            "{\"type\": \"webhook\", \"id\": \"no-headers\", \"payload\": {\"url\":"
                + " \"http://127.0.0.1/hook\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(output.getAll()).doesNotContain(SECRET);
  }

  private HttpResponse<String> post(String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
