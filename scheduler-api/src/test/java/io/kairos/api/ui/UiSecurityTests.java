package io.kairos.api.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.api.ApiApplication;
import io.kairos.testing.TestDatabases;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dashboard's security over real HTTP, with the whole API application on a real PostgreSQL:
 * session sign-in, the cookie's attributes, CSRF tokens, scopes, the Content-Security-Policy, and
 * that the dashboard's session opens nothing of the REST API. No worker runs, so jobs stay where
 * the test put them.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=" + UiSecurityTests.ADMIN
    })
@ExtendWith(OutputCaptureExtension.class)
class UiSecurityTests {

  static final String ADMIN = "ui-admin-key-51f0c3a9e7b2d4f6a8c1e3b5d7f9a2c4";
  static final String WRITER = "ui-writer-key-0a77";
  static final String READER = "ui-reader-key-c2d9";
  static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  static TestDatabases.TestDatabase database;

  @BeforeAll
  static void database() {
    if (database == null) {
      database = TestDatabases.newDatabase();
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    database();
    registry.add("spring.datasource.url", database::jdbcUrl);
    registry.add("spring.datasource.username", database::user);
    registry.add(
        "spring.datasource.password", () -> database.password() == null ? "" : database.password());
    registry.add("kairos.api.keys[0].name", () -> "writer");
    registry.add("kairos.api.keys[0].sha256", () -> sha256(WRITER));
    registry.add("kairos.api.keys[0].scopes", () -> "jobs:write");
    registry.add("kairos.api.keys[1].name", () -> "reader");
    registry.add("kairos.api.keys[1].sha256", () -> sha256(READER));
    registry.add("kairos.api.keys[1].scopes", () -> "jobs:read");
  }

  @LocalServerPort int port;

  @Test
  void theRootRedirectsToTheDashboardAndItsPagesNeedASignedInSession() throws Exception {
    Browser anonymous = new Browser();
    HttpResponse<String> root = anonymous.get("/");
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("Location")).hasValueSatisfying(l -> l.endsWith("/ui/"));
    for (String page : List.of("/ui/", "/ui/jobs", "/ui/dead-jobs", "/ui/nodes", "/ui/job-types")) {
      HttpResponse<String> response = anonymous.get(page);
      assertThat(response.statusCode()).as(page).isEqualTo(302);
      assertThat(response.headers().firstValue("Location"))
          .as(page)
          .hasValueSatisfying(l -> assertThat(l).endsWith("/ui/sign-in"));
    }
    // The page script's refresh gets 401, so it stops instead of following a redirect.
    assertThat(anonymous.send(anonymous.request("/ui/jobs").header("X-Kairos-Live", "1").GET()))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(401);
    // A bearer key does not sign in to the dashboard: it is a session, not a header, there.
    assertThat(
            anonymous
                .send(anonymous.request("/ui/jobs").header("Authorization", "Bearer " + ADMIN))
                .statusCode())
        .isEqualTo(302);
  }

  @Test
  void signInKeepsTheKeyOutOfTheLogAndGivesAStrictHttpOnlyCookieForANewSession(
      CapturedOutput output) throws Exception {
    Browser browser = new Browser();
    String token = browser.token("/ui/sign-in");
    String before = browser.session();
    HttpResponse<String> wrong =
        browser.post("/ui/sign-in", Map.of("_csrf", token, "key", "not-a-key-7b3e9d"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("That API key is not valid.");
    assertThat(output).contains("Dashboard sign-in refused").doesNotContain("not-a-key-7b3e9d");

    HttpResponse<String> signedIn =
        browser.post("/ui/sign-in", Map.of("_csrf", token, "key", ADMIN));
    assertThat(signedIn.statusCode()).isEqualTo(302);
    String cookie =
        signedIn.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("KAIROS_UI_SESSION="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/ui");
    assertThat(browser.session()).isNotEqualTo(before);
    assertThat(output).doesNotContain(ADMIN);
    assertThat(signedIn.headers().firstValue("Location").orElseThrow()).doesNotContain(ADMIN);
    assertThat(browser.get("/ui/jobs").statusCode()).isEqualTo(200);
  }

  @Test
  void theDashboardSessionOpensNothingOfTheRestApi() throws Exception {
    Browser browser = signedIn(ADMIN);
    HttpResponse<String> api =
        browser.send(browser.request("/api/v1/jobs").header("Cookie", browser.cookieHeader()));
    assertThat(api.statusCode()).isEqualTo(401);
  }

  @Test
  void everyPageHasAStrictContentSecurityPolicyAndNoInlineScriptOrStyle() throws Exception {
    createJob("csp-job", "{\"message\":\"<script>alert(1)</script>\"}");
    Browser browser = signedIn(ADMIN);
    for (String page :
        List.of(
            "/ui/",
            "/ui/jobs",
            "/ui/jobs/csp-job",
            "/ui/dead-jobs",
            "/ui/nodes",
            "/ui/job-types",
            "/ui/credentials",
            "/ui/jobs?state=NOPE")) {
      HttpResponse<String> response = browser.get(page);
      assertThat(response.statusCode()).as(page).isIn(200, 400);
      assertThat(response.headers().firstValue("Content-Security-Policy"))
          .as(page)
          .hasValue(UiSessionFilter.CONTENT_SECURITY_POLICY);
      assertThat(UiSessionFilter.CONTENT_SECURITY_POLICY)
          .contains("default-src 'self'", "script-src 'self'")
          .doesNotContain("unsafe-inline", "unsafe-eval");
      String body = response.body();
      assertThat(body).as(page).doesNotContainPattern("<script(?![^>]*\\ssrc=)");
      assertThat(body).as(page).doesNotContainPattern("\\son[a-z]+\\s*=");
      assertThat(body).as(page).doesNotContainPattern("\\sstyle\\s*=");
    }
    assertThat(browser.get("/ui/jobs/csp-job").body())
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>alert(1)");
  }

  @Test
  void aFormPostedWithoutItsSessionsTokenIsRefusedAndChangesNothing() throws Exception {
    createJob("csrf-job", "{\"message\":\"x\"}");
    Browser browser = signedIn(ADMIN);
    Map<String, String> pause = Map.of("action", "pause", "ids", "csrf-job", "confirm", "yes");
    assertThat(browser.post("/ui/jobs/actions", pause).statusCode()).isEqualTo(403);
    Map<String, String> forged = new LinkedHashMap<>(pause);
    forged.put("_csrf", "forged-token");
    assertThat(browser.post("/ui/jobs/actions", forged).statusCode()).isEqualTo(403);
    // Another session's token is no better.
    forged.put("_csrf", signedIn(ADMIN).token("/ui/jobs"));
    assertThat(browser.post("/ui/jobs/actions", forged).statusCode()).isEqualTo(403);
    assertThat(stateOf("csrf-job")).isEqualTo("SCHEDULED");

    // The right token in the URL is refused: URLs leak (history, logs, Referer).
    String token = browser.token("/ui/jobs");
    forged.remove("_csrf");
    assertThat(browser.post("/ui/jobs/actions?_csrf=" + token, forged).statusCode()).isEqualTo(403);
    forged.put("_csrf", token);
    assertThat(browser.post("/ui/jobs/actions?_csrf=" + token, forged).statusCode()).isEqualTo(403);
    assertThat(stateOf("csrf-job")).isEqualTo("SCHEDULED");

    HttpResponse<String> done = browser.post("/ui/jobs/actions", forged);
    assertThat(done.statusCode()).isEqualTo(302);
    assertThat(stateOf("csrf-job")).isEqualTo("PAUSED");
  }

  @Test
  void aReadOnlyKeySeesNoActionsAndItsPostsAreRefused() throws Exception {
    createJob("read-only-job", "{\"message\":\"x\"}");
    Browser reader = signedIn(READER);
    String jobs = reader.get("/ui/jobs").body();
    assertThat(jobs).contains("read-only-job").contains("read-only");
    assertThat(jobs).doesNotContain("bulk-actions", "name=\"ids\"");
    String job = reader.get("/ui/jobs/read-only-job").body();
    assertThat(job).doesNotContain("job-actions", "action-pause", "Edit schedule");
    assertThat(reader.get("/ui/dead-jobs").body()).doesNotContain("dead-actions");
    assertThat(reader.get("/ui/").body()).doesNotContain("/ui/credentials");

    String token = reader.token("/ui/jobs");
    for (String path : List.of("/ui/jobs/actions", "/ui/jobs/read-only-job/actions")) {
      HttpResponse<String> refused =
          reader.post(
              path,
              Map.of("_csrf", token, "action", "cancel", "ids", "read-only-job", "confirm", "yes"));
      assertThat(refused.statusCode()).as(path).isEqualTo(403);
      assertThat(refused.body()).contains("jobs:write");
    }
    assertThat(
            reader
                .post(
                    "/ui/jobs/read-only-job/schedule",
                    Map.of("_csrf", token, "kind", "every", "every", "PT1M", "confirm", "yes"))
                .statusCode())
        .isEqualTo(403);
    assertThat(stateOf("read-only-job")).isEqualTo("SCHEDULED");
    // Credentials need admin, as over REST.
    assertThat(reader.get("/ui/credentials").statusCode()).isEqualTo(403);
    assertThat(signedIn(WRITER).get("/ui/credentials").statusCode()).isEqualTo(403);
  }

  @Test
  void theJobPageShowsAJobsOwnConcurrencyKeyAsText() throws Exception {
    createJob("keyed-job", "{\"message\":\"x\"},\"concurrencyKey\":\"tenant <b>7</b>\"");
    createJob("unkeyed-job", "{\"message\":\"x\"}");
    Browser reader = signedIn(READER);
    String keyed = reader.get("/ui/jobs/keyed-job").body();
    assertThat(keyed)
        .contains("Concurrency key", "id=\"job-concurrency-key\"", "tenant &lt;b&gt;7&lt;/b&gt;")
        .doesNotContain("tenant <b>7</b>");
    assertThat(reader.get("/ui/jobs/unkeyed-job").body()).doesNotContain("Concurrency key");
  }

  @Test
  void badInputIsA400PageNamingItAndChangesNothing() throws Exception {
    createJob("bad-input-job", "{\"message\":\"x\"}");
    Browser browser = signedIn(WRITER);
    assertThat(browser.get("/ui/jobs?state=SLEEPING")).satisfies(r -> bad(r, "state"));
    assertThat(browser.get("/ui/jobs?prefix=a%25b")).satisfies(r -> bad(r, "idPrefix"));
    assertThat(browser.get("/ui/jobs?type=nope")).satisfies(r -> bad(r, "type"));
    assertThat(browser.get("/ui/jobs?cursor=forged")).satisfies(r -> bad(r, "cursor"));
    assertThat(browser.get("/ui/?tz=Mars/Olympus")).satisfies(r -> bad(r, "tz"));
    String token = browser.token("/ui/jobs");
    assertThat(
            browser.post(
                "/ui/jobs/actions",
                Map.of("_csrf", token, "action", "cancel", "ids", "bad-input-job")))
        .satisfies(r -> bad(r, "confirm"));
    assertThat(
            browser.post(
                "/ui/jobs/actions", Map.of("_csrf", token, "action", "explode", "confirm", "yes")))
        .satisfies(r -> bad(r, "action"));
    assertThat(
            browser.post(
                "/ui/jobs/actions", Map.of("_csrf", token, "action", "pause", "confirm", "yes")))
        .satisfies(r -> bad(r, "ids"));
    assertThat(
            browser.post(
                "/ui/jobs/bad-input-job/schedule",
                Map.of("_csrf", token, "kind", "cron", "cron", "every monday", "confirm", "yes")))
        .satisfies(r -> bad(r, "schedule.cron"));
    assertThat(stateOf("bad-input-job")).isEqualTo("SCHEDULED");
    assertThat(browser.get("/ui/jobs/no-such-job").statusCode()).isEqualTo(404);
  }

  @Test
  void aConfirmedNewScheduleIsStoredAsPatchWouldStoreItKeepingTheJobsPolicy() throws Exception {
    createJob(
        "reschedule-job",
        "{\"message\":\"x\"}",
        "{\"cron\":\"0 0 6 * * *\",\"timeZone\":\"Europe/Oslo\",\"overlap\":\"BUFFER_ONE\","
            + "\"catchUp\":\"ALL\",\"catchUpWindow\":\"PT6H\",\"jitter\":\"PT30S\"}");
    Browser browser = signedIn(WRITER);
    HttpResponse<String> changed =
        browser.post(
            "/ui/jobs/reschedule-job/schedule",
            Map.of(
                "_csrf",
                browser.token("/ui/jobs/reschedule-job"),
                "kind",
                "cron",
                "cron",
                "0 15 7 * * *",
                "timeZone",
                "Europe/Oslo",
                "confirm",
                "yes"));
    assertThat(changed.statusCode()).isEqualTo(302);
    String location = changed.headers().firstValue("Location").orElseThrow();
    String page = browser.get(URI.create(location).getRawPath()).body();
    assertThat(page).contains("cron 0 15 7 * * * in Europe/Oslo").contains("07:15:00");
    assertThat(page).contains("schedule changed");
    // The form shows neither overlap, catch-up nor jitter: they stay the job's.
    String job = jobJson("reschedule-job");
    assertThat(job)
        .contains("\"cron\":\"0 15 7 * * *\"")
        .contains("\"overlap\":\"BUFFER_ONE\"")
        .contains("\"catchUp\":\"ALL\"")
        .contains("\"catchUpWindow\":\"PT6H\"")
        .contains("\"jitter\":\"PT30S\"");

    // Every: overlap and catch-up stay; jitter is the cron's only.
    HttpResponse<String> every =
        browser.post(
            "/ui/jobs/reschedule-job/schedule",
            Map.of(
                "_csrf",
                browser.token("/ui/jobs/reschedule-job"),
                "kind",
                "every",
                "every",
                "PT2H",
                "confirm",
                "yes"));
    assertThat(every.statusCode()).as(every.body()).isEqualTo(302);
    assertThat(jobJson("reschedule-job"))
        .contains("\"every\":\"PT2H\"")
        .contains("\"overlap\":\"BUFFER_ONE\"")
        .contains("\"catchUp\":\"ALL\"")
        .contains("\"catchUpWindow\":\"PT6H\"")
        .doesNotContain("\"jitter\":\"PT30S\"");
  }

  @Test
  void signingOutEndsTheSession() throws Exception {
    Browser browser = signedIn(ADMIN);
    String token = browser.token("/ui/jobs");
    assertThat(browser.post("/ui/sign-out", Map.of("_csrf", token)).statusCode()).isEqualTo(302);
    assertThat(browser.get("/ui/jobs").statusCode()).isEqualTo(302);
  }

  private static void bad(HttpResponse<String> response, String field) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains(field + ":");
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
  }

  private Browser signedIn(String key) throws Exception {
    Browser browser = new Browser();
    String token = browser.token("/ui/sign-in");
    HttpResponse<String> response = browser.post("/ui/sign-in", Map.of("_csrf", token, "key", key));
    assertThat(response.statusCode()).isEqualTo(302);
    return browser;
  }

  private void createJob(String id, String payload) throws Exception {
    createJob(id, payload, "{\"every\":\"PT1H\"}");
  }

  private void createJob(String id, String payload, String schedule) throws Exception {
    HttpResponse<String> created =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs"))
                    .header("Authorization", "Bearer " + ADMIN)
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"type\":\"log\",\"id\":\""
                                + id
                                + "\",\"payload\":"
                                + payload
                                + ",\"schedule\":"
                                + schedule
                                + "}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
  }

  private String stateOf(String id) throws Exception {
    String body = jobJson(id);
    Matcher state = Pattern.compile("\"state\":\"([A-Z]+)\"").matcher(body);
    assertThat(state.find()).as(body).isTrue();
    return state.group(1);
  }

  private String jobJson(String id) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/" + id))
                .header("Authorization", "Bearer " + ADMIN)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
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

    HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
      return send(request(path).GET());
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
      String body =
          form.entrySet().stream()
              .map(
                  e ->
                      URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                          + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"));
      return send(
          request(path)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The form token a page of this session carries. */
    String token(String page) throws Exception {
      Matcher matcher = CSRF.matcher(get(page).body());
      assertThat(matcher.find()).isTrue();
      return matcher.group(1);
    }

    String session() {
      return cookies.getCookieStore().getCookies().stream()
          .filter(c -> c.getName().equals("KAIROS_UI_SESSION"))
          .map(HttpCookie::getValue)
          .findFirst()
          .orElse(null);
    }

    String cookieHeader() {
      return "KAIROS_UI_SESSION=" + session();
    }
  }
}
