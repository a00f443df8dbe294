package io.kairos.api.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.ApiApplication;
import io.kairos.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A credential is bound by its admin to targets and keys: a jobs:write key cannot point a webhook
 * carrying its token at its own URL, nor make its refresh job, unless the admin named the key; and
 * even a named key (or an admin) sends the token only to the credential's targets. Over real HTTP,
 * the whole API application on a real PostgreSQL.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=" + CredentialBindingApiTests.ADMIN,
      "kairos.encryption.key=q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="
    })
class CredentialBindingApiTests {

  static final String ADMIN = "binding-admin-key-7a2c9e4f1b8d3a6c0e5f2b9d4a7c1e3f";
  static final String BILLING = "binding-billing-key-3f9a1c7e5b2d8f4a6c0e9b3d7f1a5c2e";
  static final String CRM_SYNC = "binding-crm-sync-key-8e4b2f6a0c9d3e7b1f5a2c8d4e0b6f9a";
  static final String CRM_URL = "https://93.184.216.34/crm";
  static final String ELSEWHERE = "https://93.184.216.35/collect";

  static TestDatabases.TestDatabase database;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    if (database == null) {
      database = TestDatabases.newDatabase();
    }
    registry.add("spring.datasource.url", database::jdbcUrl);
    registry.add("spring.datasource.username", database::user);
    registry.add(
        "spring.datasource.password", () -> database.password() == null ? "" : database.password());
    registry.add("kairos.api.keys[0].name", () -> "billing");
    registry.add("kairos.api.keys[0].sha256", () -> sha256(BILLING));
    registry.add("kairos.api.keys[0].scopes", () -> "jobs:write");
    registry.add("kairos.api.keys[1].name", () -> "crm-sync");
    registry.add("kairos.api.keys[1].sha256", () -> sha256(CRM_SYNC));
    registry.add("kairos.api.keys[1].scopes", () -> "jobs:write");
  }

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @Test
  void aWriteKeyCannotSendAnAdminsTokenAnywhereNorRefreshItUnlessTheAdminNamedIt()
      throws Exception {
    assertThat(
            field(send("POST", "/api/v1/oauth/credentials", credential("crm", null), ADMIN), 400))
        .isEqualTo("allowedTargets");
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/oauth/credentials",
            credential(
                "crm",
                "\"allowedTargets\": [\"" + CRM_URL + "\"]," + " \"allowedKeys\": [\"crm-sync\"]"),
            ADMIN);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode credential = json.readTree(created.body());
    assertThat(credential.path("allowedTargets").get(0).asText()).isEqualTo(CRM_URL);
    assertThat(credential.path("allowedKeys").get(0).asText()).isEqualTo("crm-sync");

    // The attack: a write key aims a webhook carrying the admin's token at its own URL.
    assertThat(field(send("POST", "/api/v1/jobs", webhook("steal", ELSEWHERE), BILLING), 403))
        .isEqualTo("payload.auth.oauthCredential");
    // Nor may it use the credential on its proper target, nor make its refresh job.
    assertThat(field(send("POST", "/api/v1/jobs", webhook("use", CRM_URL + "/x"), BILLING), 403))
        .isEqualTo("payload.auth.oauthCredential");
    assertThat(
            field(
                send(
                    "POST",
                    "/api/v1/jobs",
                    "{\"type\": \"oauth-token-refresh\", \"id\": \"refresh-crm\","
                        + " \"payload\": {\"credentialId\": \"crm\"}}",
                    BILLING),
                403))
        .isEqualTo("payload.credentialId");
    assertThat(
            field(
                send("PUT", "/api/v1/jobs/steal-put", webhookBody(ELSEWHERE, "crm"), BILLING), 403))
        .isEqualTo("payload.auth.oauthCredential");
    HttpResponse<String> batch =
        send(
            "POST",
            "/api/v1/jobs/batch",
            "{\"jobs\": [" + webhook("steal-batch", ELSEWHERE) + "]}",
            BILLING);
    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
    JsonNode item = json.readTree(batch.body()).path("items").get(0);
    assertThat(item.path("status").asText()).isEqualTo("invalid");
    assertThat(item.at("/problem/status").asInt()).isEqualTo(403);
    assertThat(item.at("/problem/field").asText())
        .isEqualTo("jobs[0].payload.auth.oauthCredential");

    // A key the admin named may use it, on its targets only; so may the admin.
    assertThat(field(send("POST", "/api/v1/jobs", webhook("off", ELSEWHERE), CRM_SYNC), 400))
        .isEqualTo("payload.url");
    assertThat(field(send("POST", "/api/v1/jobs", webhook("off-admin", ELSEWHERE), ADMIN), 400))
        .isEqualTo("payload.url");
    assertThat(
            field(
                send("POST", "/api/v1/jobs", webhook("escape", CRM_URL + "/../admin"), CRM_SYNC),
                400))
        .isEqualTo("payload.url");
    HttpResponse<String> allowed =
        send("POST", "/api/v1/jobs", webhook("sync", CRM_URL + "/contacts"), CRM_SYNC);
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(201);
    assertThat(
            jdbc.queryForList(
                "select id from kairos.kairos_job where type <> 'oauth-token-refresh' or id <> 'oauth-refresh:crm'",
                String.class))
        .containsExactly("sync");

    // Only an admin binds a credential; then the key it names may use it.
    String binding = "{\"allowedTargets\": [\"" + CRM_URL + "\"], \"allowedKeys\": [\"billing\"]}";
    problem(send("PUT", "/api/v1/oauth/credentials/crm/binding", binding, BILLING), 403);
    HttpResponse<String> rebound =
        send("PUT", "/api/v1/oauth/credentials/crm/binding", binding, ADMIN);
    assertThat(rebound.statusCode()).as(rebound.body()).isEqualTo(200);
    assertThat(json.readTree(rebound.body()).path("allowedKeys").get(0).asText())
        .isEqualTo("billing");
    assertThat(send("POST", "/api/v1/jobs", webhook("now-ok", CRM_URL), BILLING).statusCode())
        .isEqualTo(201);
    assertThat(field(send("POST", "/api/v1/jobs", webhook("still-not", ELSEWHERE), BILLING), 400))
        .isEqualTo("payload.url");
    assertThat(
            field(
                send(
                    "PUT",
                    "/api/v1/oauth/credentials/crm/binding",
                    "{\"allowedTargets\": []}",
                    ADMIN),
                400))
        .isEqualTo("allowedTargets");
    problem(send("PUT", "/api/v1/oauth/credentials/nobody/binding", binding, ADMIN), 404);
  }

  private static String credential(String id, String binding) {
    return "{\"id\": \""
        + id
        + "\", \"tokenEndpoint\": \"https://93.184.216.34/token\","
        + " \"grantType\": \"client_credentials\", \"clientId\": \"kairos\","
        + " \"clientSecret\": \"cs-binding-secret-41\""
        + (binding == null ? "" : ", " + binding)
        + "}";
  }

  private static String webhook(String id, String url) {
    return webhookBody(url, "crm").replaceFirst("\\{", "{\"id\": \"" + id + "\", ");
  }

  private static String webhookBody(String url, String credential) {
    return "{\"type\": \"webhook\", \"payload\": {\"url\": \""
        + url
        + "\", \"auth\": {\"oauthCredential\": \""
        + credential
        + "\"}}}";
  }

  private JsonNode problem(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    return json.readTree(response.body());
  }

  private String field(HttpResponse<String> response, int status) throws Exception {
    problem(response, status);
    return json.readTree(response.body()).path("field").asText();
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

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
