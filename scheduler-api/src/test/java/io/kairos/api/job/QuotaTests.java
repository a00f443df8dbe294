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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Per-key quotas through the whole API application on a real PostgreSQL. */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=" + QuotaTests.ADMIN_KEY,
      // Defaults of keys without admin.
      "kairos.api.quota.min-every=PT1M",
      "kairos.api.quota.max-priority=50",
      "kairos.api.quota.max-timeout=PT10M",
      "kairos.api.keys[0].name=bursty",
      "kairos.api.keys[0].sha256=a06fc072f7508bee89d19b323934245fcf3712ad6b4a4e8f86a65d8a76bf0789",
      "kairos.api.keys[0].scopes=jobs:write",
      "kairos.api.keys[0].quota.creations-per-minute=3",
      "kairos.api.keys[0].quota.min-every=PT10S",
      "kairos.api.keys[1].name=small",
      "kairos.api.keys[1].sha256=fdd68ed80357412751f069aaa6d5d6734533c561ea31f58ebc8c0193348bdc1a",
      "kairos.api.keys[1].scopes=jobs:write",
      "kairos.api.keys[1].quota.active-jobs=2",
      "kairos.api.keys[1].quota.active-payload=1KB"
    })
class QuotaTests {

  static final String ADMIN_KEY = "quota-admin-key-9d4b2f7e1a6c3e8b5f0a7d2c9e4b1f6a";
  static final String BURSTY_KEY = "quota-writer-key-3c9e1f7a5b2d8e4f0a6c3b9d1e7f5a2c";
  static final String SMALL_KEY = "quota-small-key-7a2e5c9f1b4d8e3a6f0c2b7d9e4a1f5c";

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
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @Test
  void aBurstOverTheCreationQuotaIsAnswered429WithRetryAfter() throws Exception {
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      responses.add(create(BURSTY_KEY, "{\"type\": \"noop\", \"id\": \"burst-" + i + "\"}"));
    }
    assertThat(responses.subList(0, 3)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(201));
    for (HttpResponse<String> refused : responses.subList(3, 5)) {
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/problem+json");
      long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).isBetween(1L, 20L);
      assertThat(json.readTree(refused.body()).path("limit").asText())
          .isEqualTo("creationsPerMinute");
    }
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job where created_by = 'bursty'")))
        .isEqualTo(3);

    // A replay of a job that exists is not a creation: it is answered as before.
    assertThat(create(BURSTY_KEY, "{\"type\": \"noop\", \"id\": \"burst-0\"}").statusCode())
        .isEqualTo(200);
    // The admin key has no limit.
    for (int i = 0; i < 5; i++) {
      assertThat(
              create(ADMIN_KEY, "{\"type\": \"noop\", \"id\": \"admin-" + i + "\"}").statusCode())
          .isEqualTo(201);
    }
  }

  @Test
  void activeJobsAndTheirPayloadsAreLimitedPerKey() throws Exception {
    String later = "\"schedule\": {\"every\": \"PT1H\"}";
    assertThat(
            create(SMALL_KEY, "{\"type\": \"noop\", \"id\": \"small-1\", " + later + "}")
                .statusCode())
        .isEqualTo(201);
    String big = "x".repeat(1100);
    HttpResponse<String> tooBig =
        create(
            SMALL_KEY,
            "{\"type\": \"log\", \"id\": \"small-big\", \"payload\": {\"message\": \""
                + big
                + "\"}, "
                + later
                + "}");
    assertThat(tooBig.statusCode()).as(tooBig.body()).isEqualTo(429);
    assertThat(json.readTree(tooBig.body()).path("limit").asText()).isEqualTo("activePayload");
    assertThat(tooBig.headers().firstValue("Retry-After")).isPresent();

    assertThat(
            create(SMALL_KEY, "{\"type\": \"noop\", \"id\": \"small-2\", " + later + "}")
                .statusCode())
        .isEqualTo(201);
    HttpResponse<String> third =
        create(SMALL_KEY, "{\"type\": \"noop\", \"id\": \"small-3\", " + later + "}");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(json.readTree(third.body()).path("limit").asText()).isEqualTo("activeJobs");
    assertThat(third.headers().firstValue("Retry-After")).hasValue("60");

    // A cancelled job is final: it no longer counts.
    assertThat(send("DELETE", "/api/v1/jobs/small-1", null, SMALL_KEY).statusCode()).isEqualTo(200);
    assertThat(
            create(SMALL_KEY, "{\"type\": \"noop\", \"id\": \"small-3\", " + later + "}")
                .statusCode())
        .isEqualTo(201);
  }

  @Test
  void staticLimitsAre400NamingTheFieldOnCreateAndOnChange() throws Exception {
    record Case(String body, String field) {}
    List<Case> cases =
        List.of(
            new Case(
                "{\"type\": \"noop\", \"id\": \"s1\", \"schedule\": {\"every\": \"PT5S\"}}",
                "schedule.every"),
            new Case(
                "{\"type\": \"noop\", \"id\": \"s2\", \"schedule\": {\"cron\": \"*/5 * * * * *\"}}",
                "schedule.cron"),
            new Case("{\"type\": \"noop\", \"id\": \"s3\", \"priority\": 51}", "priority"),
            new Case("{\"type\": \"noop\", \"id\": \"s4\", \"timeout\": \"PT11M\"}", "timeout"));
    for (Case c : cases) {
      HttpResponse<String> refused = create(SMALL_KEY, c.body());
      assertThat(refused.statusCode()).as(c.body()).isEqualTo(400);
      assertThat(json.readTree(refused.body()).path("field").asText()).isEqualTo(c.field());
    }
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job where id in ('s1', 's2', 's3', 's4')")))
        .isZero();

    // Thirty seconds apart at its first two runs, but then thirty runs a second apart each hour:
    // judged by its smallest gap, for a key that may ask for 10 s.
    HttpResponse<String> irregular =
        create(
            BURSTY_KEY,
            "{\"type\": \"noop\", \"id\": \"s5\", \"schedule\": {\"cron\": \"0,30-59 0 * * * *\"}}");
    assertThat(irregular.statusCode()).as(irregular.body()).isEqualTo(400);
    assertThat(json.readTree(irregular.body()).path("field").asText()).isEqualTo("schedule.cron");
    assertThat(json.readTree(irregular.body()).path("detail").asText()).contains("PT1S apart");
    assertThat(count("select count(*) from kairos.kairos_job where id = 's5'")).isZero();

    // The admin key may ask for all of that.
    assertThat(
            create(
                    ADMIN_KEY,
                    "{\"type\": \"noop\", \"id\": \"admin-fast\", \"priority\": 900,"
                        + " \"schedule\": {\"every\": \"PT5S\"}}")
                .statusCode())
        .isEqualTo(201);
    // A writer's PATCH is held to the same limits (here on the admin's job, an API job).
    HttpResponse<String> patched =
        send("PATCH", "/api/v1/jobs/admin-fast", "{\"priority\": 500}", BURSTY_KEY);
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(400);
    assertThat(json.readTree(patched.body()).path("field").asText()).isEqualTo("priority");
    JsonNode job = json.readTree(send("GET", "/api/v1/jobs/admin-fast", null, ADMIN_KEY).body());
    assertThat(job.path("priority").asInt()).isEqualTo(900);
  }

  private HttpResponse<String> create(String key, String body) throws Exception {
    return send("POST", "/api/v1/jobs", body, key);
  }

  private HttpResponse<String> send(String method, String path, String body, String key)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Authorization", "Bearer " + key);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int count(String sql) {
    return jdbc.queryForObject(sql, Integer.class);
  }
}
