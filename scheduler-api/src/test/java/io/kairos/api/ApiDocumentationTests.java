package io.kairos.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The OpenAPI document as a generated client sees it: served without a key, every operation secured
 * by the bearer scheme, every error a problem, every reference resolvable. The whole API
 * application runs, on a real PostgreSQL.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=docs-test-key-8e3a6c1f9b4d2e7a0c5f8b3d6e1a4c9f",
      "kairos.api.keys[0].name=reader",
      // SHA-256 of "docs-reader-key"
      "kairos.api.keys[0].sha256=0606327f1bf1fc4c04731046b3f36e91055151f47ab154331817ac0dedfa4b79",
      "kairos.api.keys[0].scopes=jobs:read"
    })
class ApiDocumentationTests {

  static final ObjectMapper JSON = new ObjectMapper();
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
  void theDocumentIsServedWithoutAKeyAndDeclaresTheBearerScheme() throws Exception {
    HttpResponse<String> response = get("/v3/api-docs", null);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode doc = JSON.readTree(response.body());
    Files.writeString(Path.of("target/openapi.json"), response.body());

    assertThat(doc.get("openapi").asText()).startsWith("3.");
    JsonNode scheme = doc.at("/components/securitySchemes/apiKey");
    assertThat(scheme.get("type").asText()).isEqualTo("http");
    assertThat(scheme.get("scheme").asText()).isEqualTo("bearer");
    assertThat(doc.at("/security/0").has("apiKey")).isTrue();
  }

  @Test
  void everyEndpointOfTheIssueIsDocumentedWithItsProblemResponses() throws Exception {
    JsonNode paths = JSON.readTree(get("/v3/api-docs", null).body()).get("paths");
    Map<String, List<String>> expected =
        Map.ofEntries(
            Map.entry("/api/v1/jobs", List.of("get", "post", "delete")),
            Map.entry("/api/v1/jobs/{id}", List.of("get", "put", "patch", "delete")),
            Map.entry("/api/v1/jobs/batch", List.of("post")),
            Map.entry("/api/v1/jobs/pause", List.of("post")),
            Map.entry("/api/v1/jobs/resume", List.of("post")),
            Map.entry("/api/v1/cluster", List.of("get")),
            Map.entry("/api/v1/cluster/pause", List.of("post")),
            Map.entry("/api/v1/cluster/resume", List.of("post")),
            Map.entry("/api/v1/dead-jobs/requeue", List.of("post")),
            Map.entry("/api/v1/jobs/{id}/run", List.of("post")),
            Map.entry("/api/v1/jobs/{id}/pause", List.of("post")),
            Map.entry("/api/v1/jobs/{id}/resume", List.of("post")),
            Map.entry("/api/v1/jobs/{id}/cancel-attempt", List.of("post")),
            Map.entry("/api/v1/jobs/{id}/backfill", List.of("post")),
            Map.entry("/api/v1/jobs/{id}/runs", List.of("get")),
            Map.entry("/api/v1/nodes", List.of("get")),
            Map.entry("/api/v1/limits", List.of("get")),
            Map.entry("/api/v1/job-types", List.of("get")),
            Map.entry("/api/v1/dead-jobs", List.of("get")),
            Map.entry("/api/v1/dead-jobs/{id}", List.of("get", "delete")),
            Map.entry("/api/v1/dead-jobs/{id}/requeue", List.of("post")),
            Map.entry("/api/v1/oauth/credentials", List.of("get", "post")),
            Map.entry("/api/v1/oauth/credentials/{id}", List.of("get", "delete")),
            Map.entry("/api/v1/oauth/credentials/{id}/reauthorise", List.of("post")),
            Map.entry("/api/v1/oauth/credentials/{id}/binding", List.of("put")),
            Map.entry("/api/v1/oauth/credentials/reseal", List.of("post")),
            Map.entry("/api/v1/audit", List.of("get")));
    assertThat(iterable(paths.fieldNames())).containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach(
        (path, methods) -> {
          for (String method : methods) {
            JsonNode operation = paths.get(path).get(method);
            assertThat(operation).as(method + " " + path).isNotNull();
            assertThat(operation.get("operationId").asText()).isNotBlank();
            assertThat(operation.get("description").asText()).contains("Requires scope");
            for (String status : List.of("400", "401", "403")) {
              assertThat(
                      operation
                          .at("/responses/" + status + "/content")
                          .get("application/problem+json")
                          .at("/schema/$ref")
                          .asText())
                  .as(method + " " + path + " " + status)
                  .isEqualTo("#/components/schemas/Problem");
            }
            boolean success =
                iterable(operation.get("responses").fieldNames()).stream()
                    .anyMatch(s -> s.startsWith("2"));
            assertThat(success).as(method + " " + path + " has a 2xx").isTrue();
          }
        });
    assertThat(
            paths
                .at("/~1api~1v1~1jobs/post/responses/201/content/application~1json/schema/$ref")
                .asText())
        .isEqualTo("#/components/schemas/Job");
    JsonNode schemas = JSON.readTree(get("/v3/api-docs", null).body()).at("/components/schemas");
    assertThat(iterable(schemas.get("Credential").get("properties").fieldNames()))
        .contains("status", "statusReason", "hasRefreshToken", "accessTokenExpiresAt")
        .doesNotContain("clientSecret", "refreshToken", "accessToken");
    assertThat(iterable(schemas.get("Run").get("properties").fieldNames()))
        .contains("outcome", "error", "detail", "progress");
    assertThat(iterable(schemas.get("Job").get("properties").fieldNames()))
        .contains("runningAttempt");
    assertThat(iterable(schemas.get("Schedule").get("properties").fieldNames()))
        .contains("overlap", "catchUp", "catchUpWindow", "jitter");
    assertThat(iterable(schemas.get("ScheduleRequest").get("properties").fieldNames()))
        .contains("overlap", "catchUp", "catchUpWindow", "jitter");
    assertThat(iterable(schemas.get("Backfill").get("properties").fieldNames()))
        .containsExactlyInAnyOrder("jobId", "created", "existing");
    assertThat(iterable(schemas.get("RunningAttempt").get("properties").fieldNames()))
        .containsExactlyInAnyOrder(
            "progress", "progressAt", "cancelRequestedAt", "cancelRequestedBy");
    assertThat(iterable(schemas.get("Progress").get("properties").fieldNames()))
        .containsExactlyInAnyOrder("done", "total", "message");
    assertThat(
            iterable(
                paths.at("/~1api~1v1~1jobs~1{id}~1cancel-attempt/post/responses").fieldNames()))
        .contains("202");
    assertThat(schemas.at("/CreateCredential/properties/clientSecret/writeOnly").asBoolean())
        .isTrue();
    JsonNode batch = paths.at("/~1api~1v1~1jobs~1batch/post");
    assertThat(batch.at("/requestBody/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/CreateJobsRequest");
    assertThat(batch.at("/responses/200/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/BatchResult");
    assertThat(batch.at("/responses/429/content/application~1problem+json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/Problem");
    assertThat(batch.get("description").asText()).contains("invalid", "one transaction");
    assertThat(schemas.at("/CreateJobsRequest/properties/jobs/maxItems").asInt()).isEqualTo(1000);
    assertThat(schemas.at("/CreateJobsRequest/properties/jobs/items/$ref").asText())
        .isEqualTo("#/components/schemas/CreateJobRequest");
    assertThat(iterable(schemas.at("/BatchItem/properties").fieldNames()))
        .contains("index", "id", "status", "job", "problem");
    assertThat(paths.at("/~1api~1v1~1jobs~1{id}~1pause/post/responses").has("409")).isTrue();
    JsonNode put = paths.at("/~1api~1v1~1jobs~1{id}/put");
    assertThat(put.at("/responses/201/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/Job");
    assertThat(put.at("/responses/200/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/Job");
    assertThat(put.at("/responses/409/headers/Retry-After/schema/type").asText())
        .isEqualTo("integer");
    assertThat(put.at("/requestBody/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/ReplaceJobRequest");
    assertThat(iterable(schemas.at("/ReplaceJobRequest/properties").fieldNames()))
        .contains("type", "payload", "schedule", "misfireGrace")
        .doesNotContain("id");
    assertThat(iterable(schemas.at("/Run/properties").fieldNames())).contains("revision");
    for (String schema : List.of("CreateJobRequest", "ReplaceJobRequest")) {
      JsonNode key = schemas.at("/" + schema + "/properties/concurrencyKey");
      assertThat(key.at("/maxLength").asInt()).as(schema).isEqualTo(200);
      assertThat(key.at("/minLength").asInt()).as(schema).isEqualTo(1);
      assertThat(key.at("/description").asText()).as(schema).contains("flow limits");
    }
    assertThat(iterable(schemas.at("/Job/properties").fieldNames())).contains("concurrencyKey");
    assertThat(paths.at("/~1api~1v1~1cluster~1pause/post/description").asText())
        .contains("Requires scope `admin`");
    assertThat(paths.at("/~1api~1v1~1cluster/get/description").asText())
        .contains("Requires scope `jobs:read`");
    assertThat(paths.at("/~1api~1v1~1jobs~1pause/post/description").asText())
        .contains("Requires scope `jobs:write`");
  }

  @Test
  void everySchemaReferenceResolves() throws Exception {
    JsonNode doc = JSON.readTree(get("/v3/api-docs", null).body());
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/components/schemas/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
    // Values with java.time types are plain strings to clients, not Java object structures.
    assertThat(doc.at("/components/schemas/Job/properties/nextRunAt/type").asText())
        .isEqualTo("string");
    assertThat(doc.at("/components/schemas/Schedule/properties/timeZone/type").asText())
        .isEqualTo("string");
    assertThat(doc.at("/components/schemas/Job/properties/payload/allOf/0/$ref").asText())
        .isEqualTo("#/components/schemas/JsonObject");
    assertThat(doc.at("/components/schemas/JsonObject/type").asText()).isEqualTo("object");
  }

  @Test
  void theApiItselfNeedsAKeyButHealthDoesNot() throws Exception {
    assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/nodes", null).statusCode()).isEqualTo(401);
    assertThat(get("/actuator/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/nodes", "docs-test-key-8e3a6c1f9b4d2e7a0c5f8b3d6e1a4c9f").statusCode())
        .isEqualTo(200);
    assertThat(
            get("/actuator/metrics", "docs-test-key-8e3a6c1f9b4d2e7a0c5f8b3d6e1a4c9f").statusCode())
        .isEqualTo(200);
    for (String sneaky :
        List.of(
            "/actuator/health/..;/metrics",
            "/actuator/health/%2e%2e/metrics",
            "/v3/api-docs/..;/..;/api/v1/nodes",
            "/swagger-ui/..;/api/v1/jobs",
            "/API/v1/nodes")) {
      HttpResponse<String> response = get(sneaky, null);
      assertThat(response.statusCode()).as(sneaky).isBetween(400, 404);
      assertThat(response.body()).as(sneaky).doesNotContain("\"names\"").doesNotContain("items");
    }
    HttpResponse<String> unknown =
        get("/api/v1/nothing-here", "docs-test-key-8e3a6c1f9b4d2e7a0c5f8b3d6e1a4c9f");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void healthShowsItsDetailsOnlyToAnAdminKey() throws Exception {
    for (String key : new String[] {null, "docs-reader-key", "not-a-key"}) {
      HttpResponse<String> response = get("/actuator/health", key);
      assertThat(response.statusCode()).as(String.valueOf(key)).isEqualTo(200);
      JsonNode health = JSON.readTree(response.body());
      assertThat(health.get("status").asText()).isEqualTo("UP");
      assertThat(health.has("components")).as(response.body()).isFalse();
      assertThat(response.body()).doesNotContain("diskSpace").doesNotContain("PostgreSQL");
    }
    JsonNode admin =
        JSON.readTree(
            get("/actuator/health", "docs-test-key-8e3a6c1f9b4d2e7a0c5f8b3d6e1a4c9f").body());
    assertThat(admin.at("/components/diskSpace/details/total").isNumber()).isTrue();
    assertThat(admin.at("/components/db/details/database").asText()).isEqualTo("PostgreSQL");
    assertThat(get("/actuator/health/db", null).body()).doesNotContain("PostgreSQL");
  }

  private HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().equals("$ref")) {
                  refs.add(e.getValue().asText());
                } else {
                  collectRefs(e.getValue(), refs);
                }
              });
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, refs));
    }
  }

  private static List<String> iterable(Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
