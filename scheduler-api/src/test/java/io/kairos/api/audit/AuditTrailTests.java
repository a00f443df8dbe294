package io.kairos.api.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.ApiApplication;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The audit trail over real HTTP against the whole API application on a real PostgreSQL: one test
 * per kind of change (API and dashboard), the admin-only, filtered, keyset-paged {@code GET
 * /api/v1/audit}, bad filters, append-only rows, retention, and that no secret (keys, the key of a
 * failed sign-in, client secrets, refresh tokens, secret headers, the session id) is ever in it.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=" + AuditTrailTests.ADMIN,
      "kairos.api.wake-up-horizon=0s",
      "kairos.encryption.key=q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="
    })
class AuditTrailTests {

  static final String ADMIN = "audit-admin-key-6c1f9e3a7b2d5f8a0c4e7b1d3f6a9c2e";
  static final String WRITER = "audit-writer-key-2b8e4f0a6c9d";
  static final String WRONG_KEY = "audit-wrong-key-9d3f7b1e5a2c";
  static final String CLIENT_SECRET = "audit-client-secret-5e8a2c4f";
  static final String NEW_CLIENT_SECRET = "audit-client-secret-new-7f1b3d9e";
  static final String HEADER_SECRET = "Bearer audit-header-secret-3c7e1a9f";
  static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  static final ObjectMapper JSON = new ObjectMapper();
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
    registry.add("kairos.api.keys[0].name", () -> "writer");
    registry.add("kairos.api.keys[0].sha256", () -> sha256(WRITER));
    registry.add("kairos.api.keys[0].scopes", () -> "jobs:write");
  }

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired AuditStore store;

  @BeforeEach
  void clean() {
    jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_audit"));
  }

  // --- Jobs ----------------------------------------------------------------------------------

  @Test
  void creatingAJobIsRecordedWithWhoFromWhereAndWhatButAReplayIsNot() throws Exception {
    String body = "{\"id\":\"a-create\",\"type\":\"noop\",\"schedule\":{\"every\":\"PT1H\"}}";
    assertThat(send("POST", "/api/v1/jobs", body, WRITER).statusCode()).isEqualTo(201);
    assertThat(send("POST", "/api/v1/jobs", body, WRITER).statusCode()).isEqualTo(200);
    JsonNode entry = only("job.create", "a-create");
    assertThat(entry.get("actor").asText()).isEqualTo("writer");
    assertThat(entry.get("channel").asText()).isEqualTo("API");
    assertThat(entry.get("address").asText()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(entry.get("session").isNull()).isTrue();
    assertThat(entry.get("before").isNull()).isTrue();
    assertThat(entry.at("/after/type").asText()).isEqualTo("noop");
    assertThat(entry.at("/after/state").asText()).isEqualTo("SCHEDULED");
    assertThat(entry.at("/after/schedule/every").asText()).isEqualTo("PT1H");
  }

  @Test
  void aJobWhoseEntryCannotBeWrittenIsCreatedAllTheSameAndItsReplayIsOne() throws Exception {
    // Any entry of this target fails to be written, in the create's transaction and after it.
    jdbc.execute(
        KairosSchema.DEFAULT.sql(
            "create or replace function kairos_audit_test_refuse() returns trigger language plpgsql"
                + " as $$ begin raise exception 'refused for the test'; end $$"));
    jdbc.execute(
        KairosSchema.DEFAULT.sql(
            "create trigger kairos_audit_test_refuse before insert on kairos_audit for each row"
                + " when (new.target = 'a-create-unrecorded') execute function"
                + " kairos_audit_test_refuse()"));
    try {
      String body = "{\"id\":\"a-create-unrecorded\",\"type\":\"noop\"}";
      HttpResponse<String> created = send("POST", "/api/v1/jobs", body, WRITER);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(send("GET", "/api/v1/jobs/a-create-unrecorded", null, WRITER).statusCode())
          .isEqualTo(200);
      assertThat(entries("target=a-create-unrecorded")).isEmpty();
      assertThat(send("POST", "/api/v1/jobs", body, WRITER).statusCode()).isEqualTo(200);
    } finally {
      jdbc.execute(
          KairosSchema.DEFAULT.sql(
              "drop trigger kairos_audit_test_refuse on kairos_audit; drop function"
                  + " kairos_audit_test_refuse()"));
    }
  }

  @Test
  void eachJobOfABatchIsRecorded() throws Exception {
    String body =
        "{\"jobs\":[{\"id\":\"a-batch-1\",\"type\":\"noop\"},{\"id\":\"a-batch-2\",\"type\":\"noop\"},"
            + "{\"id\":\"a-batch-3\",\"type\":\"no-such-type\"}]}";
    assertThat(send("POST", "/api/v1/jobs/batch", body, WRITER).statusCode()).isEqualTo(200);
    assertThat(entries("action=job.create"))
        .extracting(e -> e.get("target").asText())
        .containsExactlyInAnyOrder("a-batch-1", "a-batch-2");
  }

  @Test
  void replacingAJobRecordsItBeforeAndAfterAndAnUnchangedReplaceNothing() throws Exception {
    String first = "{\"type\":\"noop\",\"priority\":1,\"schedule\":{\"every\":\"PT1H\"}}";
    String second = "{\"type\":\"noop\",\"priority\":7,\"schedule\":{\"every\":\"PT2H\"}}";
    send("PUT", "/api/v1/jobs/a-replace", first, WRITER);
    send("PUT", "/api/v1/jobs/a-replace", second, WRITER);
    send("PUT", "/api/v1/jobs/a-replace", second, WRITER);
    only("job.create", "a-replace");
    JsonNode entry = only("job.replace", "a-replace");
    assertThat(entry.at("/before/priority").asInt()).isEqualTo(1);
    assertThat(entry.at("/before/revision").asInt()).isEqualTo(1);
    assertThat(entry.at("/after/priority").asInt()).isEqualTo(7);
    assertThat(entry.at("/after/revision").asInt()).isEqualTo(2);
    assertThat(entry.at("/after/schedule/every").asText()).isEqualTo("PT2H");
  }

  @Test
  void patchingAJobRecordsItsScheduleBeforeAndAfter() throws Exception {
    create("a-patch");
    assertThat(
            send("PATCH", "/api/v1/jobs/a-patch", "{\"schedule\":{\"every\":\"PT5M\"}}", WRITER)
                .statusCode())
        .isEqualTo(200);
    JsonNode entry = only("job.change", "a-patch");
    assertThat(entry.at("/before/schedule/every").asText()).isEqualTo("PT1H");
    assertThat(entry.at("/after/schedule/every").asText()).isEqualTo("PT5M");
  }

  @Test
  void pausingResumingRunningAndCancellingAJobAreEachRecordedWithItsState() throws Exception {
    create("a-controls");
    assertThat(send("POST", "/api/v1/jobs/a-controls/pause", null, WRITER).statusCode())
        .isEqualTo(200);
    assertThat(send("POST", "/api/v1/jobs/a-controls/resume", null, WRITER).statusCode())
        .isEqualTo(200);
    assertThat(send("POST", "/api/v1/jobs/a-controls/run", null, WRITER).statusCode())
        .isEqualTo(200);
    assertThat(send("DELETE", "/api/v1/jobs/a-controls", null, WRITER).statusCode()).isEqualTo(200);
    JsonNode pause = only("job.pause", "a-controls");
    assertThat(pause.at("/before/state").asText()).isEqualTo("SCHEDULED");
    assertThat(pause.at("/after/state").asText()).isEqualTo("PAUSED");
    assertThat(only("job.resume", "a-controls").at("/after/state").asText()).isEqualTo("SCHEDULED");
    assertThat(only("job.run-now", "a-controls").at("/after/state").asText())
        .isEqualTo("SCHEDULED");
    assertThat(only("job.cancel", "a-controls").at("/after/state").asText()).isEqualTo("CANCELLED");
    // Newest first.
    assertThat(entries("target=a-controls"))
        .extracting(e -> e.get("action").asText())
        .containsExactly("job.cancel", "job.run-now", "job.resume", "job.pause", "job.create");
  }

  @Test
  void aRefusedChangeIsNotRecorded() throws Exception {
    create("a-refused");
    send("DELETE", "/api/v1/jobs/a-refused", null, WRITER);
    assertThat(send("POST", "/api/v1/jobs/a-refused/pause", null, WRITER).statusCode())
        .isEqualTo(409);
    assertThat(entries("target=a-refused&action=job.pause")).isEmpty();
  }

  @Test
  void cancellingAGroupAndPausingAndResumingATypeAreRecordedWithTheirCounts() throws Exception {
    create("a-group-1", "{\"type\":\"noop\",\"group\":\"a-g\",\"schedule\":{\"every\":\"PT1H\"}}");
    create("a-group-2", "{\"type\":\"log\",\"payload\":{\"message\":\"m\"},\"group\":\"a-g2\"}");
    assertThat(send("POST", "/api/v1/jobs/pause?type=log", null, WRITER).statusCode())
        .isEqualTo(200);
    assertThat(send("POST", "/api/v1/jobs/resume?type=log", null, WRITER).statusCode())
        .isEqualTo(200);
    assertThat(send("DELETE", "/api/v1/jobs?group=a-g", null, WRITER).statusCode()).isEqualTo(200);
    assertThat(only("jobs.pause", "type:log").at("/after/paused").asInt()).isEqualTo(1);
    assertThat(only("jobs.resume", "type:log").at("/after/resumed").asInt()).isEqualTo(1);
    assertThat(only("group.cancel", "a-g").at("/after/cancelled").asInt()).isEqualTo(1);
  }

  @Test
  void pausingAndResumingTheClusterAreRecorded() throws Exception {
    assertThat(send("POST", "/api/v1/cluster/pause", null, ADMIN).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/api/v1/cluster/resume", null, ADMIN).statusCode()).isEqualTo(200);
    JsonNode pause = only("cluster.pause", "cluster");
    assertThat(pause.get("actor").asText()).isEqualTo("operator");
    assertThat(pause.at("/before/paused").asBoolean()).isFalse();
    assertThat(pause.at("/after/paused").asBoolean()).isTrue();
    assertThat(only("cluster.resume", "cluster").at("/after/paused").asBoolean()).isFalse();
  }

  @Test
  void requeueingAndDeletingDeadJobsAreRecorded() throws Exception {
    for (String id : List.of("a-dead-1", "a-dead-2", "a-dead-3")) {
      create(id, "{\"type\":\"noop\",\"group\":\"a-dead\"}");
      kill(id);
    }
    assertThat(send("POST", "/api/v1/dead-jobs/a-dead-1/requeue", null, WRITER).statusCode())
        .isEqualTo(200);
    assertThat(send("DELETE", "/api/v1/dead-jobs/a-dead-2", null, WRITER).statusCode())
        .isEqualTo(204);
    assertThat(send("POST", "/api/v1/dead-jobs/requeue?group=a-dead", null, WRITER).statusCode())
        .isEqualTo(200);
    JsonNode requeue = only("dead-job.requeue", "a-dead-1");
    assertThat(requeue.at("/before/state").asText()).isEqualTo("DEAD");
    assertThat(requeue.at("/after/state").asText()).isEqualTo("SCHEDULED");
    assertThat(only("dead-job.delete", "a-dead-2").get("after").isNull()).isTrue();
    assertThat(only("dead-jobs.requeue", "group:a-dead").at("/after/requeued").asInt())
        .isEqualTo(1);
  }

  // --- Credentials ---------------------------------------------------------------------------

  @Test
  void credentialsCreatedReauthorisedBoundResealedAndDeletedAreRecordedWithoutSecrets()
      throws Exception {
    String credential =
        "{\"id\":\"a-cred\",\"tokenEndpoint\":\"https://93.184.216.34/token\","
            + "\"grantType\":\"client_credentials\",\"clientId\":\"kairos\","
            + "\"clientSecret\":\""
            + CLIENT_SECRET
            + "\",\"allowedTargets\":[\"https://93.184.216.34/a\"]}";
    HttpResponse<String> created = send("POST", "/api/v1/oauth/credentials", credential, ADMIN);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(
            send(
                    "POST",
                    "/api/v1/oauth/credentials/a-cred/reauthorise",
                    "{\"clientSecret\":\"" + NEW_CLIENT_SECRET + "\"}",
                    ADMIN)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            send(
                    "PUT",
                    "/api/v1/oauth/credentials/a-cred/binding",
                    "{\"allowedTargets\":[\"https://93.184.216.34/crm\"],\"allowedKeys\":[]}",
                    ADMIN)
                .statusCode())
        .isEqualTo(200);
    assertThat(send("POST", "/api/v1/oauth/credentials/reseal", null, ADMIN).statusCode())
        .isEqualTo(200);
    assertThat(send("DELETE", "/api/v1/oauth/credentials/a-cred", null, ADMIN).statusCode())
        .isEqualTo(204);
    assertThat(only("credential.create", "a-cred").at("/after/clientId").asText())
        .isEqualTo("kairos");
    only("credential.reauthorise", "a-cred");
    JsonNode bind = only("credential.bind", "a-cred");
    assertThat(bind.at("/before/allowedTargets/0").asText()).isEqualTo("https://93.184.216.34/a");
    assertThat(bind.at("/after/allowedTargets/0").asText()).isEqualTo("https://93.184.216.34/crm");
    assertThat(entries("action=credential.reseal")).hasSize(1);
    assertThat(only("credential.delete", "a-cred").get("after").isNull()).isTrue();
    assertNoSecretIn(allRows());
  }

  // --- Dashboard -----------------------------------------------------------------------------

  @Test
  void dashboardSignInFailedSignInActionsAndSignOutAreRecordedWithTheSessionsDigest()
      throws Exception {
    Browser browser = new Browser();
    String token = browser.token("/ui/sign-in");
    assertThat(browser.post("/ui/sign-in", Map.of("_csrf", token, "key", WRONG_KEY)).statusCode())
        .isEqualTo(401);
    assertThat(browser.post("/ui/sign-in", Map.of("_csrf", token, "key", WRITER)).statusCode())
        .isEqualTo(302);
    create("a-ui");
    String formToken = browser.token("/ui/jobs/new?type=noop");
    assertThat(
            browser
                .post(
                    "/ui/jobs/new",
                    Map.of("_csrf", formToken, "type", "noop", "id", "a-form-ui", "kind", "now"))
                .statusCode())
        .isEqualTo(302);
    String pageToken = browser.token("/ui/jobs");
    assertThat(
            browser
                .post(
                    "/ui/jobs/actions",
                    Map.of("_csrf", pageToken, "action", "pause", "ids", "a-ui", "confirm", "yes"))
                .statusCode())
        .isEqualTo(302);
    assertThat(browser.post("/ui/sign-out", Map.of("_csrf", pageToken)).statusCode())
        .isEqualTo(302);

    JsonNode failed = only("sign-in.failed", null);
    assertThat(failed.get("actor").asText()).isEqualTo("(unknown key)");
    assertThat(failed.get("channel").asText()).isEqualTo("DASHBOARD");
    assertThat(failed.at("/after/reason").asText()).isEqualTo("unknown API key");
    JsonNode signIn = only("sign-in", "writer");
    assertThat(signIn.get("actor").asText()).isEqualTo("writer");
    assertThat(signIn.get("session").asText()).hasSize(16);
    JsonNode formCreate = only("job.create", "a-form-ui");
    assertThat(formCreate.get("channel").asText()).isEqualTo("DASHBOARD");
    assertThat(formCreate.get("actor").asText()).isEqualTo("writer");
    assertThat(formCreate.at("/after/type").asText()).isEqualTo("noop");
    JsonNode pause = only("job.pause", "a-ui");
    assertThat(pause.get("channel").asText()).isEqualTo("DASHBOARD");
    assertThat(pause.get("session").asText()).isEqualTo(signIn.get("session").asText());
    assertThat(pause.at("/after/state").asText()).isEqualTo("PAUSED");
    assertThat(only("sign-out", "writer").get("session").asText())
        .isEqualTo(signIn.get("session").asText());
    assertNoSecretIn(allRows());
    assertThat(allRows()).doesNotContain(browser.sessionId);
  }

  @Test
  void theDashboardsAuditPageIsForAdminsAndShowsTheFilteredEntries() throws Exception {
    create("a-page-ui");
    create("a-page-other");
    Browser writer = new Browser();
    writer.post("/ui/sign-in", Map.of("_csrf", writer.token("/ui/sign-in"), "key", WRITER));
    assertThat(writer.get("/ui/audit").statusCode()).isEqualTo(403);
    Browser admin = new Browser();
    admin.post("/ui/sign-in", Map.of("_csrf", admin.token("/ui/sign-in"), "key", ADMIN));
    HttpResponse<String> page = admin.get("/ui/audit?action=job.create&target=a-page-ui");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("a-page-ui").doesNotContain("a-page-other");
    assertThat(admin.get("/ui/audit?action=nonsense").statusCode()).isEqualTo(400);
  }

  // --- Reading the trail ---------------------------------------------------------------------

  @Test
  void onlyAdminsReadTheTrailInKeysetPagesWithFilters() throws Exception {
    for (int i = 0; i < 5; i++) {
      create("a-page-" + i);
    }
    assertThat(send("GET", "/api/v1/audit", null, WRITER).statusCode()).isEqualTo(403);
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          JSON.readTree(
              send(
                      "GET",
                      "/api/v1/audit?action=job.create&limit=2"
                          + (cursor == null ? "" : "&cursor=" + cursor),
                      null,
                      ADMIN)
                  .body());
      page.get("items").forEach(e -> seen.add(e.get("target").asText()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactly("a-page-4", "a-page-3", "a-page-2", "a-page-1", "a-page-0");
    assertThat(entries("actor=writer")).hasSize(5);
    assertThat(entries("actor=nobody")).isEmpty();
    assertThat(entries("since=2999-01-01T00:00:00Z")).isEmpty();
    assertThat(entries("until=2999-01-01T00:00:00Z")).hasSize(5);
  }

  @Test
  void badFiltersAre400NamingTheField() throws Exception {
    assertThat(field("action=job.explode")).isEqualTo("action");
    assertThat(field("since=yesterday")).isEqualTo("since");
    assertThat(field("until=2026-13-01")).isEqualTo("until");
    assertThat(field("cursor=bm90LWEtY3Vyc29y")).isEqualTo("cursor");
    assertThat(field("limit=0")).isEqualTo("limit");
    assertThat(field("limit=501")).isEqualTo("limit");
  }

  @Test
  void entriesCannotBeChangedAndRetentionDeletesOnlyOldOnes() throws Exception {
    create("a-kept");
    assertThatThrownBy(
            () -> jdbc.update(KairosSchema.DEFAULT.sql("update kairos_audit set actor = 'x'")))
        .isInstanceOf(DataAccessException.class)
        .hasMessageContaining("append-only");
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "insert into kairos_audit (at, actor, channel, action, target) values (now() -"
                + " interval '400 days', 'writer', 'API', 'job.create', 'a-old')"));
    assertThat(AuditConfiguration.prune(store, Duration.ofDays(365))).isEqualTo(1);
    assertThat(entries("")).extracting(e -> e.get("target").asText()).containsExactly("a-kept");
  }

  @Test
  void noSecretEverAppearsInTheTrail() throws Exception {
    create(
        "a-secret",
        "{\"type\":\"webhook\",\"payload\":{\"url\":\"https://93.184.216.34/hook\",\"headers\":"
            + "{\"Authorization\":\""
            + HEADER_SECRET
            + "\"}},\"schedule\":{\"every\":\"PT1H\"}}");
    send(
        "PUT",
        "/api/v1/jobs/a-secret",
        "{\"type\":\"webhook\",\"payload\":{\"url\":\"https://93.184.216.34/hook2\",\"headers\":"
            + "{\"Authorization\":\""
            + HEADER_SECRET
            + "\"}},\"schedule\":{\"every\":\"PT2H\"}}",
        WRITER);
    send("POST", "/api/v1/jobs/a-secret/pause", null, WRITER);
    Browser browser = new Browser();
    String token = browser.token("/ui/sign-in");
    browser.post("/ui/sign-in", Map.of("_csrf", token, "key", WRONG_KEY));
    browser.post("/ui/sign-in", Map.of("_csrf", token, "key", ADMIN));
    assertThat(entries("")).hasSizeGreaterThanOrEqualTo(5);
    String rows = allRows();
    assertNoSecretIn(rows);
    assertThat(rows).doesNotContain(browser.sessionId);
    assertThat(rows).doesNotContain("hook2").doesNotContain("93.184.216.34/hook");
    assertNoSecretIn(send("GET", "/api/v1/audit", null, ADMIN).body());
  }

  // --- Helpers -------------------------------------------------------------------------------

  private static void assertNoSecretIn(String text) {
    for (String secret :
        List.of(
            ADMIN,
            WRITER,
            WRONG_KEY,
            CLIENT_SECRET,
            NEW_CLIENT_SECRET,
            HEADER_SECRET,
            "audit-header-secret")) {
      assertThat(text).doesNotContain(secret);
    }
  }

  /** Every column of every row, as text. */
  private String allRows() {
    return String.join(
        "\n",
        jdbc.queryForList(
            KairosSchema.DEFAULT.sql("select t::text from kairos_audit t order by id"),
            String.class));
  }

  private void create(String id) throws Exception {
    create(id, "{\"type\":\"noop\",\"schedule\":{\"every\":\"PT1H\"}}");
  }

  private void create(String id, String body) throws Exception {
    HttpResponse<String> created = send("PUT", "/api/v1/jobs/" + id, body, WRITER);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  private void kill(String id) {
    jdbc.update(
        KairosSchema.DEFAULT.sql("delete from scheduled_tasks where task_instance = ?"), id);
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update kairos_job set state = 'DEAD', finished_at = now() where id = ?"),
        id);
  }

  private JsonNode only(String action, String target) throws Exception {
    List<JsonNode> found =
        entries("action=" + action + (target == null ? "" : "&target=" + encode(target)));
    assertThat(found).as(action + " of " + target).hasSize(1);
    return found.get(0);
  }

  private List<JsonNode> entries(String query) throws Exception {
    HttpResponse<String> response = send("GET", "/api/v1/audit?limit=500&" + query, null, ADMIN);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<JsonNode> items = new ArrayList<>();
    JSON.readTree(response.body()).get("items").forEach(items::add);
    return items;
  }

  private String field(String query) throws Exception {
    HttpResponse<String> response = send("GET", "/api/v1/audit?" + query, null, ADMIN);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    return JSON.readTree(response.body()).path("field").asText();
  }

  private HttpResponse<String> send(String method, String path, String body, String key)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Authorization", "Bearer " + key)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
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

  /** A cookie-keeping client that does not follow redirects, as a browser's first hop. */
  final class Browser {
    final CookieManager cookies = new CookieManager();
    final HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    String sessionId = "(none yet)";

    HttpResponse<String> get(String path) throws Exception {
      return remember(
          http.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
              HttpResponse.BodyHandlers.ofString()));
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
      String body =
          form.entrySet().stream()
              .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
              .collect(Collectors.joining("&"));
      return remember(
          http.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }

    String token(String page) throws Exception {
      Matcher matcher = CSRF.matcher(get(page).body());
      assertThat(matcher.find()).isTrue();
      return matcher.group(1);
    }

    private HttpResponse<String> remember(HttpResponse<String> response) {
      cookies.getCookieStore().getCookies().stream()
          .filter(c -> c.getName().equals("KAIROS_UI_SESSION"))
          .findFirst()
          .ifPresent(c -> sessionId = c.getValue());
      return response;
    }
  }
}
