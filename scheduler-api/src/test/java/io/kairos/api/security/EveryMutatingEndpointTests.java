package io.kairos.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.api.ApiApplication;
import io.kairos.core.Kairos;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * One rule on every path that changes a job: with a {@code jobs:write} key, every mutating REST
 * endpoint and every dashboard form, aimed at a system job and at a declared job (live and dead),
 * is refused with 403 — or, for a selection (a group), leaves them alone — and changes nothing. The
 * endpoints are read from Spring MVC's own handler mapping, so a new one fails this test until it
 * says how to aim it at a job. Nothing a client got wrong logs a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=" + EveryMutatingEndpointTests.ADMIN,
      "kairos.api.reserved-id-prefixes=maint:"
    })
class EveryMutatingEndpointTests {

  static final String ADMIN = "walk-admin-key-2e9c4a7f1b6d0e3a8c5f2b9d6e1a4c7f";
  static final String WRITER = "walk-writer-key-9d1f6b3e0a7c4f2e8b5d1a6c3f0e9b7d";
  static final String GROUP = "walk";

  /** System and declared, live and dead. */
  static final List<String> TARGETS =
      List.of("oauth-refresh:walk", "maint:walk", "oauth-refresh:walk-dead", "maint:walk-dead");

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
  @Autowired Kairos kairos;
  @Autowired JdbcTemplate jdbc;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  /** How the walk aims one endpoint at a job, and what a write key must get. */
  enum Expect {
    /** 403, naming the job's source: the rule refused it. */
    REFUSED,
    /** Any 2xx: a selection that leaves jobs of the operators and of Kairos alone. */
    LEFT_ALONE,
    /** 403 (admin only) or 409 (taken id): creating is not changing, but must not touch it. */
    NOT_CREATED,
    /** Needs admin whatever it is aimed at. */
    ADMIN_ONLY
  }

  record Probe(Expect expect, String method, String path, String body, Map<String, String> form) {}

  /**
   * Every mutating endpoint, aimed at {@code id} (of group {@value #GROUP}); {@code null} for one
   * that is about no job at all.
   */
  static Map<String, List<Probe>> probes(String id) {
    String enc = URLEncoder.encode(id, StandardCharsets.UTF_8);
    Map<String, List<Probe>> probes = new LinkedHashMap<>();
    String created = "{\"type\": \"noop\", \"id\": \"" + id + "\", \"group\": \"" + GROUP + "\"}";
    probes.put(
        "POST /api/v1/jobs", List.of(rest(Expect.NOT_CREATED, "POST", "/api/v1/jobs", created)));
    probes.put(
        "POST /api/v1/jobs/batch",
        List.of(
            rest(
                Expect.LEFT_ALONE, "POST", "/api/v1/jobs/batch", "{\"jobs\": [" + created + "]}")));
    probes.put(
        "PUT /api/v1/jobs/{id}",
        List.of(rest(Expect.REFUSED, "PUT", "/api/v1/jobs/" + id, "{\"type\": \"noop\"}")));
    probes.put(
        "PATCH /api/v1/jobs/{id}",
        List.of(rest(Expect.REFUSED, "PATCH", "/api/v1/jobs/" + id, "{\"priority\": 9}")));
    probes.put(
        "DELETE /api/v1/jobs/{id}",
        List.of(rest(Expect.REFUSED, "DELETE", "/api/v1/jobs/" + id, null)));
    probes.put(
        "DELETE /api/v1/jobs",
        List.of(rest(Expect.LEFT_ALONE, "DELETE", "/api/v1/jobs?group=" + GROUP, null)));
    probes.put(
        "POST /api/v1/jobs/pause",
        List.of(
            rest(Expect.LEFT_ALONE, "POST", "/api/v1/jobs/pause?group=" + GROUP, null),
            rest(Expect.LEFT_ALONE, "POST", "/api/v1/jobs/pause?type=noop", null)));
    probes.put(
        "POST /api/v1/jobs/resume",
        List.of(rest(Expect.LEFT_ALONE, "POST", "/api/v1/jobs/resume?group=" + GROUP, null)));
    for (String action : List.of("run", "pause", "resume", "cancel-attempt")) {
      probes.put(
          "POST /api/v1/jobs/{id}/" + action,
          List.of(rest(Expect.REFUSED, "POST", "/api/v1/jobs/" + id + "/" + action, null)));
    }
    probes.put(
        "POST /api/v1/jobs/{id}/backfill",
        List.of(
            rest(
                Expect.REFUSED,
                "POST",
                "/api/v1/jobs/" + id + "/backfill",
                "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-01-02T00:00:00Z\"}")));
    probes.put(
        "POST /api/v1/dead-jobs/{id}/requeue",
        List.of(rest(Expect.REFUSED, "POST", "/api/v1/dead-jobs/" + id + "/requeue", null)));
    probes.put(
        "POST /api/v1/dead-jobs/requeue",
        List.of(
            rest(Expect.LEFT_ALONE, "POST", "/api/v1/dead-jobs/requeue?group=" + GROUP, null),
            rest(Expect.LEFT_ALONE, "POST", "/api/v1/dead-jobs/requeue?type=noop", null)));
    probes.put(
        "DELETE /api/v1/dead-jobs/{id}",
        List.of(rest(Expect.REFUSED, "DELETE", "/api/v1/dead-jobs/" + id, null)));
    probes.put(
        "POST /api/v1/cluster/pause",
        List.of(rest(Expect.ADMIN_ONLY, "POST", "/api/v1/cluster/pause", null)));
    probes.put(
        "POST /api/v1/cluster/resume",
        List.of(rest(Expect.ADMIN_ONLY, "POST", "/api/v1/cluster/resume", null)));
    String credential =
        "{\"id\": \"walk\", \"tokenEndpoint\": \"https://93.184.216.34/token\", \"grantType\":"
            + " \"client_credentials\", \"clientId\": \"c\", \"clientSecret\": \"s\","
            + " \"allowedTargets\": [\"https://93.184.216.34\"]}";
    probes.put(
        "POST /api/v1/oauth/credentials",
        List.of(rest(Expect.ADMIN_ONLY, "POST", "/api/v1/oauth/credentials", credential)));
    probes.put(
        "POST /api/v1/oauth/credentials/{id}/reauthorise",
        List.of(
            rest(
                Expect.ADMIN_ONLY,
                "POST",
                "/api/v1/oauth/credentials/walk/reauthorise",
                "{\"clientSecret\": \"s\"}")));
    probes.put(
        "PUT /api/v1/oauth/credentials/{id}/binding",
        List.of(
            rest(
                Expect.ADMIN_ONLY,
                "PUT",
                "/api/v1/oauth/credentials/walk/binding",
                "{\"allowedTargets\": [\"https://93.184.216.34\"]}")));
    probes.put(
        "POST /api/v1/oauth/credentials/reseal",
        List.of(rest(Expect.ADMIN_ONLY, "POST", "/api/v1/oauth/credentials/reseal", null)));
    probes.put(
        "DELETE /api/v1/oauth/credentials/{id}",
        List.of(rest(Expect.ADMIN_ONLY, "DELETE", "/api/v1/oauth/credentials/walk", null)));
    List<Probe> bulk = new ArrayList<>();
    List<Probe> one = new ArrayList<>();
    for (String action : List.of("run", "pause", "resume", "cancel", "stop")) {
      bulk.add(form("/ui/jobs/actions", Map.of("action", action, "ids", id, "confirm", "yes")));
      one.add(form("/ui/jobs/" + enc + "/actions", Map.of("action", action, "confirm", "yes")));
    }
    probes.put("POST /ui/jobs/actions", bulk);
    probes.put("POST /ui/jobs/{id}/actions", one);
    probes.put(
        "POST /ui/jobs/{id}/schedule",
        List.of(
            form(
                "/ui/jobs/" + enc + "/schedule",
                Map.of("kind", "every", "every", "PT2H", "confirm", "yes"))));
    probes.put(
        "POST /ui/jobs/{id}/edit",
        List.of(form("/ui/jobs/" + enc + "/edit", Map.of("priority", "9"))));
    probes.put(
        "POST /ui/dead-jobs/actions",
        List.of(
            form("/ui/dead-jobs/actions", Map.of("action", "requeue", "ids", id, "confirm", "yes")),
            form(
                "/ui/dead-jobs/actions", Map.of("action", "delete", "ids", id, "confirm", "yes"))));
    probes.put(
        "POST /ui/jobs/new",
        List.of(
            new Probe(
                Expect.NOT_CREATED,
                "POST",
                "/ui/jobs/new",
                null,
                Map.of("type", "noop", "id", id, "group", GROUP))));
    // About no job: signing in and out of the dashboard, and the error page.
    probes.put("POST /ui/sign-in", null);
    probes.put("POST /ui/sign-out", null);
    probes.put("* /error", null);
    return probes;
  }

  static Probe rest(Expect expect, String method, String path, String body) {
    return new Probe(expect, method, path, body, null);
  }

  static Probe form(String path, Map<String, String> form) {
    return new Probe(Expect.REFUSED, "POST", path, null, form);
  }

  @Test
  void optionsTellsAnyKeyWhatAPathAllowsAndNoneWithoutOne() throws Exception {
    HttpResponse<String> options = send("OPTIONS", "/api/v1/jobs", null, WRITER);
    assertThat(options.statusCode()).as(options.body()).isEqualTo(200);
    assertThat(options.headers().firstValue("Allow"))
        .hasValueSatisfying(a -> assertThat(a).contains("POST"));
    assertThat(
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void everyMutatingEndpointIsKnownToThisWalk() {
    assertThat(mutatingEndpoints()).isEqualTo(new TreeSet<>(probes("x").keySet()));
  }

  @Test
  void aWriteKeyChangesNoSystemOrDeclaredJobThroughAnyEndpointOrForm(CapturedOutput output)
      throws Exception {
    createTargets();
    Browser writer = signedIn(WRITER);
    Map<String, String> before = new LinkedHashMap<>();
    for (String id : TARGETS) {
      before.put(id, snapshot(id));
    }
    int logged = output.getAll().length();
    List<String> walked = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (String id : TARGETS) {
      for (Map.Entry<String, List<Probe>> endpoint : probes(id).entrySet()) {
        if (endpoint.getValue() == null) {
          continue;
        }
        for (Probe probe : endpoint.getValue()) {
          String what = endpoint.getKey() + " on " + id + " " + probe;
          HttpResponse<String> response =
              probe.form() == null
                  ? send(probe.method(), probe.path(), probe.body(), WRITER)
                  : writer.post(probe.path(), probe.form());
          String failure = check(probe, response);
          if (failure != null) {
            failures.add(what + ": " + failure);
          }
          for (String target : TARGETS) {
            String now = snapshot(target);
            if (!now.equals(before.get(target))) {
              failures.add(what + ": changed " + target);
              before.put(target, now);
            }
          }
          walked.add(what);
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(walked).hasSizeGreaterThan(100);
    String log = output.getAll().substring(logged);
    assertThat(log).doesNotContain("\tat ").doesNotContain(" ERROR ");

    // The walk is well aimed: an admin key may do what the write key was refused.
    assertThat(send("PATCH", "/api/v1/jobs/maint:walk", "{\"priority\": 9}", ADMIN).statusCode())
        .isEqualTo(200);
    assertThat(send("POST", "/api/v1/dead-jobs/maint:walk-dead/requeue", null, ADMIN).statusCode())
        .isEqualTo(200);
    Browser admin = signedIn(ADMIN);
    assertThat(
            admin
                .post(
                    "/ui/dead-jobs/actions",
                    Map.of("action", "delete", "ids", "oauth-refresh:walk-dead", "confirm", "yes"))
                .statusCode())
        .isEqualTo(302);
    assertThat(snapshot("oauth-refresh:walk-dead")).isEqualTo("gone");
  }

  /** What is wrong with the response, or null. */
  private static String check(Probe probe, HttpResponse<String> response) {
    int status = response.statusCode();
    String body = response.body();
    boolean ok =
        switch (probe.expect()) {
          case REFUSED -> status == 403 && body.contains("only an operator (admin)");
          case LEFT_ALONE -> status >= 200 && status < 300;
          case NOT_CREATED -> status == 403 || status == 409;
          case ADMIN_ONLY -> status == 403 && body.contains("admin");
        };
    return ok ? null : "HTTP " + status + " " + body.substring(0, Math.min(200, body.length()));
  }

  /** Every POST, PUT, PATCH and DELETE mapping of Spring MVC, as "METHOD pattern". */
  private Set<String> mutatingEndpoints() {
    Set<String> endpoints = new TreeSet<>();
    for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
      Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
      for (String pattern : info.getPatternValues()) {
        if (methods.isEmpty()) {
          endpoints.add("* " + pattern);
        }
        for (RequestMethod method : methods) {
          if (Set.of(
                  RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE)
              .contains(method)) {
            endpoints.add(method + " " + pattern);
          }
        }
      }
    }
    return endpoints;
  }

  private void createTargets() {
    kairos.submitter().submit(definition("oauth-refresh:walk", "system"), JobSource.SYSTEM);
    kairos
        .submitter()
        .submit(definition("oauth-refresh:walk-dead", "system-dead"), JobSource.SYSTEM);
    kairos
        .declarations()
        .reconcile(
            List.of(
                definition("maint:walk", "declared-walk"),
                definition("maint:walk-dead", "declared-walk-dead")));
    for (String dead : List.of("oauth-refresh:walk-dead", "maint:walk-dead")) {
      jdbc.update("delete from kairos.scheduled_tasks where task_instance = ?", dead);
      jdbc.update(
          "update kairos.kairos_job set state = 'DEAD', finished_at = now(), last_error = 'boom'"
              + " where id = ?",
          dead);
    }
  }

  private NewJob definition(String id, String hash) {
    return new NewJob(
        id,
        "noop",
        GROUP,
        kairos.json().createObjectNode(),
        ScheduleSpec.every(Duration.ofHours(1)),
        3,
        0,
        hash,
        "config");
  }

  /** What a change would touch: the row and its execution. */
  private String snapshot(String id) {
    List<String> row =
        jdbc.query(
            "select j.state, j.priority, j.updated_by, j.updated_at, j.revision, j.schedule::text,"
                + " t.execution_time, t.version from kairos.kairos_job j left join kairos.scheduled_tasks t on"
                + " t.task_instance = j.id where j.id = ?",
            (rs, n) -> {
              List<String> values = new ArrayList<>();
              for (int i = 1; i <= 8; i++) {
                values.add(String.valueOf(rs.getObject(i)));
              }
              return String.join("|", values);
            },
            id);
    return row.isEmpty() ? "gone" : row.get(0);
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
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Browser signedIn(String key) throws Exception {
    Browser browser = new Browser();
    browser.token = browser.token("/ui/sign-in");
    HttpResponse<String> response = browser.post("/ui/sign-in", Map.of("key", key));
    assertThat(response.statusCode()).isEqualTo(302);
    browser.token = browser.token("/ui/jobs");
    return browser;
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

  /** A dashboard session: cookies kept, redirects not followed, the form token sent. */
  final class Browser {
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    final HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    String token;

    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
      Map<String, String> fields = new LinkedHashMap<>(form);
      fields.put("_csrf", token);
      String body =
          fields.entrySet().stream()
              .map(
                  e ->
                      URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                          + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"));
      return http.send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    String token(String page) throws Exception {
      Matcher matcher =
          CSRF.matcher(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://localhost:" + port + page)).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(matcher.find()).as(page).isTrue();
      return matcher.group(1);
    }
  }
}
