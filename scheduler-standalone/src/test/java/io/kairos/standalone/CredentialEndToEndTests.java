package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.api.ApiApplication;
import io.kairos.crypto.EncryptionKey;
import io.kairos.crypto.SecretCipher;
import io.kairos.jobtype.oauth.CredentialStore;
import io.kairos.jobtype.oauth.GrantType;
import io.kairos.jobtype.oauth.NewCredential;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.Resolver;
import io.kairos.schema.KairosSchema;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * OAuth credentials through the API, renewed by the worker from a local token endpoint (loopback
 * allowed for token endpoints only): no response carries a secret and the database holds them
 * sealed. Webhook targets keep the default policy: private, loopback and link-local are refused.
 */
@ExtendWith(OutputCaptureExtension.class)
class CredentialEndToEndTests {

  static final String ENCRYPTION_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
  static final String CLIENT_SECRET = "cs-e2e-secret-5f1a9c";
  static final String REFRESH_TOKEN = "rt-e2e-secret-8d2b47";
  static final String ACCESS_TOKEN = "at-e2e-secret-3e6c10";
  static final String RETIRED_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  static final String UNKNOWN_KEY = "HxweHRwbGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgE=";

  static KairosUnderTest kairos;
  static HttpServer idp;
  static final AtomicInteger tokenRequests = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    idp.createContext(
        "/token",
        exchange -> {
          String form =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          tokenRequests.incrementAndGet();
          if (form.contains("refresh_token=rt-refused")) {
            byte[] refusal =
                "{\"error\":\"invalid_grant\",\"error_description\":\"revoked\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(400, refusal.length);
            exchange.getResponseBody().write(refusal);
            exchange.close();
            return;
          }
          byte[] body =
              ("{\"access_token\":\""
                      + ACCESS_TOKEN
                      + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    idp.start();
    List<String> common =
        List.of(
            "--kairos.encryption.key=" + ENCRYPTION_KEY,
            "--kairos.encryption.retired-keys=k0:" + RETIRED_KEY,
            "--kairos.oauth.require-https=false",
            "--kairos.oauth.allowed-networks=127.0.0.0/8",
            "--kairos.oauth.allowed-ports=" + idp.getAddress().getPort());
    kairos = KairosUnderTest.start(common, common);
  }

  @AfterAll
  static void stop() {
    if (kairos != null) {
      kairos.close();
    }
    if (idp != null) {
      idp.stop(0);
    }
  }

  private static String tokenEndpoint() {
    return "http://127.0.0.1:" + idp.getAddress().getPort() + "/token";
  }

  private static String credential(String id) {
    return "{\"id\":\""
        + id
        + "\",\"tokenEndpoint\":\""
        + tokenEndpoint()
        + "\",\"grantType\":\"refresh_token\",\"clientId\":\"kairos\",\"clientSecret\":\""
        + CLIENT_SECRET
        + "\",\"refreshToken\":\""
        + REFRESH_TOKEN
        + "\",\"scope\":\"contacts.read\",\"allowedTargets\":[\"https://crm.example.com\",\"https://93.184.215.14/hook\"]}";
  }

  private static void assertNoSecret(HttpResponse<String> response) {
    assertThat(response.body())
        .doesNotContain(CLIENT_SECRET)
        .doesNotContain(REFRESH_TOKEN)
        .doesNotContain(ACCESS_TOKEN)
        .doesNotContain("\"clientSecret\":")
        .doesNotContain("\"refreshToken\":")
        .doesNotContain("v1:k1:");
  }

  @Test
  void aCredentialIsRenewedAndNoResponseOrColumnShowsASecret(CapturedOutput output)
      throws Exception {
    HttpResponse<String> created = kairos.post("/api/v1/oauth/credentials", credential("crm"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/oauth/credentials/crm");
    assertNoSecret(created);
    JsonNode body = kairos.body(created);
    assertThat(body.get("status").asText()).isEqualTo("ACTIVE");
    assertThat(body.get("grantType").asText()).isEqualTo("refresh_token");
    assertThat(body.get("clientAuthentication").asText()).isEqualTo("client_secret_basic");
    assertThat(body.get("hasRefreshToken").asBoolean()).isTrue();
    assertThat(body.get("refreshJobId").asText()).isEqualTo("oauth-refresh:crm");
    assertThat(body.get("createdBy").asText()).isEqualTo("operator");

    // Its refresh job, submitted with it, runs on the worker and stores an access token.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kairos
                    .body(kairos.get("/api/v1/oauth/credentials/crm"))
                    .get("hasAccessToken")
                    .asBoolean());
    HttpResponse<String> one = kairos.get("/api/v1/oauth/credentials/crm");
    assertNoSecret(one);
    assertThat(kairos.body(one).get("accessTokenExpiresAt").isNull()).isFalse();
    HttpResponse<String> list = kairos.get("/api/v1/oauth/credentials?limit=10");
    assertNoSecret(list);
    assertThat(kairos.body(list).get("items"))
        .extracting(c -> c.get("id").asText())
        .contains("crm");
    HttpResponse<String> job = kairos.get("/api/v1/jobs/oauth-refresh:crm");
    assertNoSecret(job);
    assertThat(kairos.body(job).get("payload").get("credentialId").asText()).isEqualTo("crm");
    assertNoSecret(kairos.get("/api/v1/jobs/oauth-refresh:crm/runs"));

    // The database holds the secrets sealed only.
    try (Connection db =
            DriverManager.getConnection(
                kairos.db.jdbcUrl(),
                kairos.db.user(),
                kairos.db.password() == null ? "" : kairos.db.password());
        ResultSet rs =
            db.createStatement()
                .executeQuery(
                    KairosSchema.DEFAULT.sql(
                        "select client_secret, refresh_token, access_token from"
                            + " kairos_oauth_credential where id = 'crm'"))) {
      assertThat(rs.next()).isTrue();
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        columns.add(rs.getString(i));
      }
      assertThat(columns)
          .allSatisfy(
              value ->
                  assertThat(value)
                      .startsWith("v1:k1:")
                      .doesNotContain(CLIENT_SECRET)
                      .doesNotContain(REFRESH_TOKEN)
                      .doesNotContain(ACCESS_TOKEN));
    }

    // Only admin keys may see credentials.
    kairos.assertProblem(
        kairos.send("GET", "/api/v1/oauth/credentials", null, KairosUnderTest.READER_KEY),
        403,
        null);

    // Deleting it cancels its pending refresh job.
    HttpResponse<String> deleted = kairos.delete("/api/v1/oauth/credentials/crm");
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    kairos.assertProblem(kairos.get("/api/v1/oauth/credentials/crm"), 404, null);
    kairos.assertProblem(kairos.delete("/api/v1/oauth/credentials/crm"), 404, null);
    assertThat(kairos.state("oauth-refresh:crm")).isIn("CANCELLED", "COMPLETED");

    // The same id can be used again; its refresh job starts anew.
    int before = tokenRequests.get();
    HttpResponse<String> again = kairos.post("/api/v1/oauth/credentials", credential("crm"));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> tokenRequests.get() > before);

    // Nor does any log line of the worker or the API.
    assertThat(output.getAll())
        .doesNotContain(CLIENT_SECRET)
        .doesNotContain(REFRESH_TOKEN)
        .doesNotContain(ACCESS_TOKEN);
  }

  @Test
  void invalidOrDuplicateCredentialsAreRefusedNamingTheField() throws Exception {
    assertThat(kairos.post("/api/v1/oauth/credentials", credential("erp")).statusCode())
        .isEqualTo(201);
    HttpResponse<String> duplicate = kairos.post("/api/v1/oauth/credentials", credential("erp"));
    kairos.assertProblem(duplicate, 409, "id");
    assertNoSecret(duplicate);

    HttpResponse<String> noRefreshToken =
        kairos.post(
            "/api/v1/oauth/credentials",
            "{\"id\":\"x1\",\"tokenEndpoint\":\""
                + tokenEndpoint()
                + "\",\"grantType\":\"refresh_token\",\"clientId\":\"kairos\",\"clientSecret\":\""
                + CLIENT_SECRET
                + "\",\"allowedTargets\":[\"https://crm.example.com\"]}");
    kairos.assertProblem(noRefreshToken, 400, "refreshToken");
    assertNoSecret(noRefreshToken);
    kairos.assertProblem(
        kairos.post(
            "/api/v1/oauth/credentials",
            "{\"id\":\"x2\",\"tokenEndpoint\":\""
                + tokenEndpoint()
                + "\",\"grantType\":\"password\",\"clientId\":\"kairos\"}"),
        400,
        "grantType");
    kairos.assertProblem(
        kairos.post(
            "/api/v1/oauth/credentials",
            "{\"id\":\"x3\",\"tokenEndpoint\":\"http://10.0.0.1/token\",\"grantType\":"
                + "\"client_credentials\",\"clientId\":\"kairos\",\"clientSecret\":\"s\","
                + "\"allowedTargets\":[\"https://crm.example.com\"]}"),
        400,
        "tokenEndpoint");
    kairos.assertProblem(
        kairos.post("/api/v1/oauth/credentials", "{\"id\":\"x4\",\"password\":\"p\"}"),
        400,
        "password");
    kairos.assertProblem(kairos.get("/api/v1/oauth/credentials/x1"), 404, null);
  }

  @Test
  void anApiWithoutEncryptionKeyStartsAndRefusesCredentialsNamingTheKey() throws Exception {
    try (ConfigurableApplicationContext bare =
        ApiApplication.application()
            .run(
                "--spring.datasource.url=" + kairos.db.jdbcUrl(),
                "--spring.datasource.username=" + kairos.db.user(),
                "--spring.datasource.password="
                    + (kairos.db.password() == null ? "" : kairos.db.password()),
                "--server.port=0",
                // Blank, whatever KAIROS_ENCRYPTION_KEY the shell running the tests exports.
                "--kairos.encryption.key=",
                "--kairos.oauth.require-https=false",
                "--kairos.oauth.allowed-networks=127.0.0.0/8",
                "--kairos.oauth.allowed-ports=" + idp.getAddress().getPort(),
                "--kairos.api.operator-key=" + KairosUnderTest.OPERATOR_KEY)) {
      String base = "http://localhost:" + bare.getEnvironment().getProperty("local.server.port");
      HttpResponse<String> refused =
          kairos.http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/oauth/credentials"))
                  .header("Authorization", "Bearer " + KairosUnderTest.OPERATOR_KEY)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(credential("no-key")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode problem = kairos.assertProblem(refused, 503, null);
      assertThat(problem.get("detail").asText()).contains("KAIROS_ENCRYPTION_KEY");
      assertNoSecret(refused);
    }
    kairos.assertProblem(kairos.get("/api/v1/oauth/credentials/no-key"), 404, null);
  }

  @Test
  void webhooksToPrivateLoopbackOrLinkLocalTargetsAreRefusedAtCreation() throws Exception {
    for (String url :
        List.of(
            "http://10.0.0.1/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://localhost:8080/hook",
            "http://127.0.0.1/hook")) {
      HttpResponse<String> refused =
          kairos.post(
              "/api/v1/jobs",
              "{\"type\":\"webhook\",\"id\":\"w-private\",\"payload\":{\"url\":\"" + url + "\"}}");
      kairos.assertProblem(refused, 400, "payload.url");
    }
    kairos.assertProblem(kairos.get("/api/v1/jobs/w-private"), 404, null);
  }

  @Test
  void aRefusedCredentialIsReauthorisedAndItsDeadRefreshJobRequeuedTogether() throws Exception {
    String refused = credential("reauth-me").replace(REFRESH_TOKEN, "rt-refused-1");
    assertThat(kairos.post("/api/v1/oauth/credentials", refused).statusCode()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "DEAD".equals(kairos.state("oauth-refresh:reauth-me")));
    JsonNode before = kairos.body(kairos.get("/api/v1/oauth/credentials/reauth-me"));
    assertThat(before.get("status").asText()).isEqualTo("REAUTH_REQUIRED");
    assertThat(before.get("statusReason").asText()).contains("invalid_grant");

    kairos.assertProblem(
        kairos.post("/api/v1/oauth/credentials/reauth-me/reauthorise", "{}"), 400, "refreshToken");
    kairos.assertProblem(
        kairos.post(
            "/api/v1/oauth/credentials/reauth-me/reauthorise",
            "{\"refreshToken\":\"x\",\"password\":\"p\"}"),
        400,
        "password");
    kairos.assertProblem(
        kairos.post("/api/v1/oauth/credentials/nobody/reauthorise", "{\"refreshToken\":\"x\"}"),
        404,
        null);
    kairos.assertProblem(
        kairos.send(
            "POST",
            "/api/v1/oauth/credentials/reauth-me/reauthorise",
            "{\"refreshToken\":\"x\"}",
            KairosUnderTest.READER_KEY),
        403,
        null);
    assertThat(kairos.state("oauth-refresh:reauth-me")).as("nothing changed").isEqualTo("DEAD");

    HttpResponse<String> reauthorised =
        kairos.post(
            "/api/v1/oauth/credentials/reauth-me/reauthorise",
            "{\"refreshToken\":\"" + REFRESH_TOKEN + "\"}");
    assertThat(reauthorised.statusCode()).as(reauthorised.body()).isEqualTo(200);
    assertNoSecret(reauthorised);
    assertThat(kairos.body(reauthorised).get("status").asText()).isEqualTo("ACTIVE");
    assertThat(kairos.state("oauth-refresh:reauth-me")).isIn("SCHEDULED", "RUNNING");

    // The requeued refresh job runs with the new refresh token and schedules its next run.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kairos
                    .body(kairos.get("/api/v1/oauth/credentials/reauth-me"))
                    .get("hasAccessToken")
                    .asBoolean());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "SCHEDULED".equals(kairos.state("oauth-refresh:reauth-me")));
  }

  @Test
  void resealMovesSecretsOffARetiredKeyAndReportsWhatRemainsUnderOtherKeys() throws Exception {
    OutboundPolicy local =
        new OutboundPolicy(List.of(), true, List.of())
            .withAllowedPorts(List.of(idp.getAddress().getPort()));
    try (HikariDataSource db = kairos.db.dataSource(1)) {
      // Stored before the rotation, under k0 (now retired), and under a key nobody has any more.
      for (String[] sealedWith :
          List.of(
              new String[] {"legacy", "k0", RETIRED_KEY},
              new String[] {"mystery", "k9", UNKNOWN_KEY})) {
        new CredentialStore(
                db,
                KairosSchema.DEFAULT,
                new SecretCipher(EncryptionKey.of(sealedWith[1], sealedWith[2]), List.of()),
                local,
                Resolver.SYSTEM,
                false)
            .create(
                new NewCredential(
                    sealedWith[0],
                    tokenEndpoint(),
                    GrantType.CLIENT_CREDENTIALS,
                    "kairos",
                    CLIENT_SECRET,
                    null,
                    null,
                    null,
                    "test"));
      }

      HttpResponse<String> first = kairos.post("/api/v1/oauth/credentials/reseal", null);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      assertThat(first.body()).doesNotContain(CLIENT_SECRET);
      JsonNode report = kairos.body(first);
      assertThat(report.get("currentKeyId").asText()).isEqualTo("k1");
      assertThat(report.get("resealed").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(report.get("unreadable").asInt()).isEqualTo(1);
      assertThat(report.get("remainingUnderOldKeys").asLong()).isEqualTo(1);
      assertThat(report.get("secretsByKeyId").get("k9").asLong()).isEqualTo(1);
      assertThat(report.get("secretsByKeyId").has("k0")).isFalse();
      assertThat(
              new JdbcTemplate(db)
                  .queryForObject(
                      KairosSchema.DEFAULT.sql(
                          "select client_secret from kairos_oauth_credential where id = 'legacy'"),
                      String.class))
          .startsWith("v1:k1:");

      kairos.assertProblem(
          kairos.send("POST", "/api/v1/oauth/credentials/reseal", null, KairosUnderTest.READER_KEY),
          403,
          null);
      assertThat(kairos.delete("/api/v1/oauth/credentials/mystery").statusCode()).isEqualTo(204);
      JsonNode second = kairos.body(kairos.post("/api/v1/oauth/credentials/reseal", null));
      assertThat(second.get("resealed").asInt()).isZero();
      assertThat(second.get("remainingUnderOldKeys").asLong()).isZero();
    }
  }

  @Test
  void aWebhookMayNameOnlyAStoredCredential() throws Exception {
    assertThat(kairos.post("/api/v1/oauth/credentials", credential("hooks-crm")).statusCode())
        .isEqualTo(201);
    String webhook =
        "{\"type\":\"webhook\",\"id\":\"%s\",\"payload\":{\"url\":\"https://93.184.215.14/hook\","
            + "\"auth\":{\"oauthCredential\":\"%s\"}}}";
    kairos.assertProblem(
        kairos.post("/api/v1/jobs", webhook.formatted("w-no-cred", "nobody")),
        400,
        "payload.auth.oauthCredential");
    kairos.assertProblem(kairos.get("/api/v1/jobs/w-no-cred"), 404, null);
    HttpResponse<String> created =
        kairos.post("/api/v1/jobs", webhook.formatted("w-cred", "hooks-crm"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertNoSecret(created);
    // Its token goes to its allowedTargets only, whoever asks.
    kairos.assertProblem(
        kairos.post(
            "/api/v1/jobs",
            webhook.formatted("w-elsewhere", "hooks-crm").replace("/hook", "/other")),
        400,
        "payload.url");
  }
}
