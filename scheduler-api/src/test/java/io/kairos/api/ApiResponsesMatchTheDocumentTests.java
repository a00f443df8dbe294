package io.kairos.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import io.kairos.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Real responses validated against the OpenAPI document the API serves: each response body against
 * the schema its operation declares, with every documented object closed (no undocumented property
 * passes). Explicit nulls must be declared nullable.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=schema-test-key-2b7f4e9a1c6d3e8b0f5a2c7d4e9b1a6f"
    })
class ApiResponsesMatchTheDocumentTests {

  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonSchemaFactory SCHEMAS =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V4,
          builder ->
              builder
                  .metaSchema(OpenApi30.getInstance())
                  .defaultMetaSchemaIri(OpenApi30.getInstance().getIri()));
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
  void jobResponsesMatchTheirDocumentedSchemas() throws Exception {
    JsonNode doc = JSON.readTree(send("GET", "/v3/api-docs", null).body());

    String local =
        send(
                "POST",
                "/api/v1/jobs",
                "{\"type\": \"log\", \"id\": \"local-at\", \"group\": \"g\", \"payload\":"
                    + " {\"message\": \"m\"}, \"schedule\": {\"at\": \"2099-12-18T18:00:00\","
                    + " \"timeZone\": \"America/New_York\"}}")
            .body();
    assertMatches(doc, "/api/v1/jobs", "post", "201", local);
    // The local time's zone is kept with the instant.
    assertThat(JSON.readTree(local).at("/schedule/timeZone").asText())
        .isEqualTo("America/New_York");
    assertThat(JSON.readTree(local).at("/schedule/at").asText()).isEqualTo("2099-12-18T23:00:00Z");

    send(
        "POST",
        "/api/v1/jobs",
        "{\"type\": \"noop\", \"id\": \"cron\", \"schedule\":"
            + " {\"cron\": \"0 0 9 * * MON-FRI\", \"timeZone\": \"Europe/Oslo\"}}");
    send(
        "POST",
        "/api/v1/jobs",
        "{\"type\": \"noop\", \"id\": \"every\", \"timeout\": \"PT30S\","
            + " \"schedule\": {\"every\": \"PT5M\"}}");
    assertMatches(
        doc,
        "/api/v1/jobs/{id}",
        "put",
        "201",
        send("PUT", "/api/v1/jobs/replaced", "{\"type\": \"noop\", \"misfireGrace\": \"none\"}")
            .body());
    assertMatches(
        doc,
        "/api/v1/jobs/{id}",
        "put",
        "200",
        send("PUT", "/api/v1/jobs/replaced", "{\"type\": \"noop\", \"priority\": 2}").body());
    assertMatches(
        doc,
        "/api/v1/jobs/{id}/pause",
        "post",
        "200",
        send("POST", "/api/v1/jobs/cron/pause", null).body());
    assertMatches(
        doc,
        "/api/v1/jobs/{id}",
        "delete",
        "200",
        send("DELETE", "/api/v1/jobs/every", null).body());

    for (String id : new String[] {"local-at", "cron", "every"}) {
      assertMatches(
          doc, "/api/v1/jobs/{id}", "get", "200", send("GET", "/api/v1/jobs/" + id, null).body());
      assertMatches(
          doc,
          "/api/v1/jobs/{id}/runs",
          "get",
          "200",
          send("GET", "/api/v1/jobs/" + id + "/runs", null).body());
    }
    assertMatches(
        doc, "/api/v1/jobs", "get", "200", send("GET", "/api/v1/jobs?limit=2", null).body());
    assertMatches(
        doc, "/api/v1/jobs", "delete", "200", send("DELETE", "/api/v1/jobs?group=g", null).body());
    assertMatches(doc, "/api/v1/nodes", "get", "200", send("GET", "/api/v1/nodes", null).body());
    assertMatches(
        doc, "/api/v1/dead-jobs", "get", "200", send("GET", "/api/v1/dead-jobs", null).body());
    assertMatches(
        doc,
        "/api/v1/jobs/pause",
        "post",
        "200",
        send("POST", "/api/v1/jobs/pause?type=noop", null).body());
    assertMatches(
        doc,
        "/api/v1/jobs/resume",
        "post",
        "200",
        send("POST", "/api/v1/jobs/resume?type=noop", null).body());
    assertMatches(
        doc,
        "/api/v1/dead-jobs/requeue",
        "post",
        "200",
        send("POST", "/api/v1/dead-jobs/requeue?type=noop", null).body());
    assertMatches(
        doc, "/api/v1/cluster", "get", "200", send("GET", "/api/v1/cluster", null).body());
    assertMatches(
        doc,
        "/api/v1/cluster/pause",
        "post",
        "200",
        send("POST", "/api/v1/cluster/pause", null).body());
    assertMatches(
        doc,
        "/api/v1/cluster/resume",
        "post",
        "200",
        send("POST", "/api/v1/cluster/resume", null).body());
    assertMatches(
        doc,
        "/api/v1/oauth/credentials",
        "get",
        "200",
        send("GET", "/api/v1/oauth/credentials", null).body());
  }

  @Test
  void anUndeclaredNullIsCaughtByThisCheck() throws Exception {
    // The check itself: a null where the document does not allow one fails validation.
    JsonNode doc = JSON.readTree(send("GET", "/v3/api-docs", null).body());
    ObjectNode job =
        (ObjectNode)
            JSON.readTree(
                send("POST", "/api/v1/jobs", "{\"type\": \"noop\", \"id\": \"null-id\"}").body());
    job.putNull("id");
    assertThat(validate(doc, "/api/v1/jobs/{id}", "get", "200", job)).isNotEmpty();
    job.put("id", "null-id").put("undocumented", 1);
    assertThat(validate(doc, "/api/v1/jobs/{id}", "get", "200", job)).isNotEmpty();
  }

  private static void assertMatches(
      JsonNode doc, String path, String method, String status, String body) throws Exception {
    Set<ValidationMessage> errors = validate(doc, path, method, status, JSON.readTree(body));
    assertThat(errors).as(method + " " + path + " " + status + ": " + body).isEmpty();
  }

  private static Set<ValidationMessage> validate(
      JsonNode doc, String path, String method, String status, JsonNode body) {
    JsonNode schema =
        doc.path("paths")
            .path(path)
            .path(method)
            .path("responses")
            .path(status)
            .path("content")
            .path("application/json")
            .path("schema");
    assertThat(schema.isMissingNode()).as(method + " " + path + " " + status).isFalse();
    ObjectNode root = schema.deepCopy();
    ObjectNode components = doc.path("components").deepCopy();
    close(components);
    root.set("components", components);
    JsonSchema validator = SCHEMAS.getSchema(root);
    return validator.validate(body);
  }

  /**
   * Every documented object with properties refuses properties it does not document. A nullable
   * reference is written as OpenAPI 3.0 allows ({@code allOf: [$ref], nullable: true}), which plain
   * JSON Schema validation would read as "never null": it is read as "the reference, or null", as
   * client generators read it.
   */
  private static void close(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      if (object.has("properties") && !object.has("additionalProperties")) {
        object.put("additionalProperties", false);
      }
      if (object.path("nullable").asBoolean() && object.has("allOf") && !object.has("type")) {
        JsonNode allOf = object.remove("allOf");
        object.remove("nullable");
        ObjectNode reference = JSON.createObjectNode();
        reference.set("allOf", allOf);
        ObjectNode isNull = JSON.createObjectNode();
        isNull.putArray("enum").addNull();
        object.putArray("anyOf").add(reference).add(isNull);
      }
      object.forEach(ApiResponsesMatchTheDocumentTests::close);
    } else if (node.isArray()) {
      node.forEach(ApiResponsesMatchTheDocumentTests::close);
    }
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Authorization", "Bearer schema-test-key-2b7f4e9a1c6d3e8b0f5a2c7d4e9b1a6f")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isLessThan(300);
    return response;
  }
}
