package io.kairos.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.ApiApplication;
import io.kairos.core.Kairos;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Jobs of the operators (declared) and of Kairos (system jobs) through the whole API application on
 * a real PostgreSQL: a jobs:write key can neither change them nor take their ids; an admin key can.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=" + JobOwnershipTests.ADMIN_KEY,
      "kairos.api.keys[0].name=billing",
      "kairos.api.keys[0].sha256=" + JobOwnershipTests.WRITER_SHA256,
      "kairos.api.keys[0].scopes=jobs:write",
      "kairos.api.reserved-id-prefixes=maint:"
    })
class JobOwnershipTests {

  static final String ADMIN_KEY = "ownership-admin-key-6c0e2a9b4f1d7e3a8c5b0f2d9e6a1c4b";
  static final String WRITER_KEY = "ownership-writer-key-1f8e3c6a0d9b2e7f4a5c8d1b6e3f0a9c";
  // SHA-256 of WRITER_KEY, checked in writerHashMatches
  static final String WRITER_SHA256 =
      "ec48505a41d24478731a274152a3d338384fed91d1f1f68022bd7fb1f3b36c46";

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
  @Autowired Kairos kairos;
  @Autowired JdbcTemplate jdbc;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @Test
  void writerHashMatches() throws Exception {
    assertThat(sha256(WRITER_KEY)).isEqualTo(WRITER_SHA256);
  }

  @Test
  void aWriterCannotChangeADeclaredOrASystemJobAndAnAdminCan() throws Exception {
    declare("maint:clean-tokens", null);
    kairos
        .submitter()
        .submit(definition("oauth-refresh:crm", null, "system-hash"), JobSource.SYSTEM);

    for (String id : List.of("maint:clean-tokens", "oauth-refresh:crm")) {
      String path = "/api/v1/jobs/" + id;
      for (String[] request :
          List.of(
              new String[] {"PATCH", path, "{\"priority\": 999}"},
              new String[] {"POST", path + "/pause", null},
              new String[] {"POST", path + "/resume", null},
              new String[] {"POST", path + "/run", null},
              new String[] {"DELETE", path, null})) {
        HttpResponse<String> refused = send(request[0], request[1], request[2], WRITER_KEY);
        assertThat(refused.statusCode()).as(request[0] + " " + request[1]).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.path("detail").asText()).contains("only an operator (admin)");
        assertThat(problem.path("requiredScope").asText()).isEqualTo("admin");
        assertThat(problem.path("source").asText()).isIn("CONFIG", "SYSTEM");
      }
      JsonNode job = json.readTree(send("GET", path, null, WRITER_KEY).body());
      assertThat(job.path("state").asText()).isEqualTo("SCHEDULED");
      assertThat(job.path("priority").asInt()).isZero();
      assertThat(job.path("updatedBy").asText()).isNotEqualTo("billing");

      HttpResponse<String> changed = send("PATCH", path, "{\"priority\": 7}", ADMIN_KEY);
      assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
      assertThat(json.readTree(changed.body()).path("priority").asInt()).isEqualTo(7);
      assertThat(send("DELETE", path, null, ADMIN_KEY).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aWriterCannotTakeAReservedIdAndAnAdminCan() throws Exception {
    for (String id : List.of("oauth-refresh:crm2", "maint:purge")) {
      HttpResponse<String> refused =
          send("POST", "/api/v1/jobs", "{\"type\": \"noop\", \"id\": \"" + id + "\"}", WRITER_KEY);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
      assertThat(json.readTree(refused.body()).path("field").asText()).isEqualTo("id");
      assertThat(
              jdbc.queryForObject(
                  KairosSchema.DEFAULT.sql("select count(*) from kairos_job where id = ?"),
                  Integer.class,
                  id))
          .isZero();
    }
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"type\": \"noop\", \"id\": \"maint:by-admin\", \"schedule\": {\"every\": \"PT1H\"}}",
            ADMIN_KEY);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json.readTree(created.body()).path("source").asText()).isEqualTo("API");
  }

  @Test
  void anApiJobThatShadowsADeclarationSaysSo() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"type\": \"noop\", \"id\": \"nightly\", \"schedule\": {\"every\": \"PT1H\"}}",
            WRITER_KEY);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json.readTree(created.body()).path("shadowsDeclaration").asBoolean()).isFalse();

    assertThat(declare("nightly", null).clashes()).containsExactly("nightly");

    JsonNode job = json.readTree(send("GET", "/api/v1/jobs/nightly", null, WRITER_KEY).body());
    assertThat(job.path("source").asText()).isEqualTo("API");
    assertThat(job.path("shadowsDeclaration").asBoolean()).isTrue();
    JsonNode listed = json.readTree(send("GET", "/api/v1/jobs?limit=500", null, WRITER_KEY).body());
    assertThat(listed.path("items").findValues("id").stream().map(JsonNode::asText))
        .contains("nightly");
  }

  @Test
  void aWritersGroupCancelSkipsDeclaredJobs() throws Exception {
    declare("maint:grouped", "shared-group");
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"type\": \"noop\", \"id\": \"grouped-api\", \"group\": \"shared-group\","
                + " \"schedule\": {\"every\": \"PT1H\"}}",
            WRITER_KEY);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    HttpResponse<String> cancelled =
        send("DELETE", "/api/v1/jobs?group=shared-group", null, WRITER_KEY);
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    assertThat(json.readTree(cancelled.body()).path("cancelled").asInt()).isEqualTo(1);
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select state from kairos_job where id = 'maint:grouped'"),
                String.class))
        .isEqualTo("ACTIVE");
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select state from kairos_job where id = 'grouped-api'"),
                String.class))
        .isEqualTo("CANCELLED");
  }

  private io.kairos.declared.JobDeclarations.Outcome declare(String id, String group) {
    // Every reconcile is a whole configuration: keep the ones declared before.
    List<String> already =
        jdbc.queryForList(
            KairosSchema.DEFAULT.sql("select id from kairos_job where source = 'CONFIG'"),
            String.class);
    List<NewJob> declared = new java.util.ArrayList<>();
    for (String other : already) {
      String otherGroup =
          jdbc.queryForObject(
              KairosSchema.DEFAULT.sql("select job_group from kairos_job where id = ?"),
              String.class,
              other);
      declared.add(definition(other, otherGroup, "declared-" + other));
    }
    declared.add(definition(id, group, "declared-" + id));
    return kairos.declarations().reconcile(declared);
  }

  private NewJob definition(String id, String group, String hash) {
    return new NewJob(
        id,
        "noop",
        group,
        kairos.json().createObjectNode(),
        ScheduleSpec.every(Duration.ofHours(1)),
        3,
        0,
        hash,
        "config");
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

  static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
