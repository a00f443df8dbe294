package io.kairos.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A corpus of hostile requests against the whole API application on a real PostgreSQL. Each row:
 * the response is the expected problem (status, {@code field}), nothing was stored, and nothing was
 * logged at ERROR (no stack trace: the input was understood and refused, not crashed on). A whole
 * hostile run, with secrets in headers, bodies and malformed header lines, leaves none of them in
 * the log in any form, and no stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=hostile-test-key-5d1e8a3c7b2f9e0a4c6d8b1f3e5a7c9d",
      "kairos.api.keys[0].name=hostile-writer",
      "kairos.api.keys[0].sha256=" + HostileInputTests.WRITER_SHA256,
      "kairos.api.keys[0].scopes=jobs:write",
      "kairos.encryption.key=q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=",
      "kairos.email.allowed-sender-domains=example.com"
    })
class HostileInputTests {

  static final String KEY = "hostile-test-key-5d1e8a3c7b2f9e0a4c6d8b1f3e5a7c9d";
  static final String WRITER = "hostile-writer-key-8c2f5a9e1d7b3f6a0e4c9d2b7f1a5e3c";
  // SHA-256 of WRITER, checked in writerHashMatches
  static final String WRITER_SHA256 =
      "45c0f6709c57bc984b8e690a0ba8ea0267131f4161201e42e754a472dea06e17";

  /** Secrets a hostile run sends in headers, bodies and broken header lines. */
  static final String HEADER_SECRET = "hdr-s3cret\"with/odd+chars \u00e9-4f9a";

  static final String CLIENT_SECRET = "client-s3cret-for-a-refused-credential-71c2";
  static final String JSON = "application/json";
  static final ObjectMapper MAPPER = new ObjectMapper();
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

  @org.springframework.beans.factory.annotation.Autowired
  org.springframework.jdbc.core.JdbcTemplate jdbc;

  /**
   * A request row: what is sent (with {@code key}, the operator's when null) and what must come
   * back.
   */
  record Row(
      String name,
      String method,
      String path,
      byte[] body,
      String contentType,
      int status,
      String field,
      String key) {

    Row(
        String name,
        String method,
        String path,
        byte[] body,
        String contentType,
        int status,
        String field) {
      this(name, method, path, body, contentType, status, field, null);
    }

    Row by(String otherKey) {
      return new Row(name, method, path, body, contentType, status, field, otherKey);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Row row(String name, String method, String path, String body, int status, String field) {
    return new Row(
        name,
        method,
        path,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        body == null ? null : JSON,
        status,
        field);
  }

  static Row create(String name, String body, String field) {
    return row(name, "POST", "/api/v1/jobs", body, 400, field);
  }

  static String cursor(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String nested(int depth) {
    return "{\"type\": \"log\", \"payload\": {\"message\": \"x\", \"deep\": "
        + "[".repeat(depth)
        + "]".repeat(depth)
        + "}}";
  }

  static Stream<Arguments> corpus() {
    byte[] badUtf8 =
        concat(
            "{\"type\": \"log\", \"payload\": {\"message\": \"",
            new byte[] {(byte) 0xC3, 0x28},
            "\"}}");
    return Stream.of(
            // NUL and other control characters, everywhere a string goes
            create(
                "NUL in a payload string",
                "{\"type\": \"log\", \"id\": \"nul-payload\","
                    + " \"payload\": {\"message\": \"a\\u0000b\"}}",
                "payload.message"),
            create(
                "BEL in a payload string",
                "{\"type\": \"log\", \"id\": \"bel-payload\","
                    + " \"payload\": {\"message\": \"ring \\u0007\"}}",
                "payload.message"),
            create(
                "control character in a payload key",
                "{\"type\": \"webhook\","
                    + " \"payload\": {\"url\": \"https://93.184.216.34/x\","
                    + " \"headers\": {\"X-\\u0001\": \"v\"}}}",
                "payload.headers"),
            create(
                "NUL in the id",
                "{\"type\": \"log\", \"id\": \"a\\u0000b\","
                    + " \"payload\": {\"message\": \"m\"}}",
                "id"),
            create(
                "CR LF in the id",
                "{\"type\": \"log\", \"id\": \"a\\r\\nb\"," + " \"payload\": {\"message\": \"m\"}}",
                "id"),
            create("NUL in the type", "{\"type\": \"log\\u0000\"}", "type"),
            create(
                "NUL in the group",
                "{\"type\": \"noop\", \"id\": \"nul-group\"," + " \"group\": \"g\\u0000\"}",
                "group"),
            create(
                "NUL in the timeout",
                "{\"type\": \"noop\", \"id\": \"nul-timeout\"," + " \"timeout\": \"PT1S\\u0000\"}",
                "timeout"),
            create(
                "NUL in a time zone",
                "{\"type\": \"noop\", \"id\": \"nul-zone\", \"schedule\":"
                    + " {\"cron\": \"0 0 9 * * *\", \"timeZone\": \"UTC\\u0000\"}}",
                "schedule.timeZone"),
            row(
                "NUL in the group parameter",
                "GET",
                "/api/v1/jobs?group=a%00b",
                null,
                400,
                "group"),
            row("LF in the type parameter", "GET", "/api/v1/jobs?type=log%0A", null, 400, "type"),
            row(
                "NUL inside a cursor",
                "GET",
                "/api/v1/jobs?cursor=" + cursor("job:a\u0000b"),
                null,
                400,
                "cursor"),
            row(
                "NUL inside a runs cursor",
                "GET",
                "/api/v1/jobs/x/runs?cursor=" + cursor("run:1\u0000"),
                null,
                400,
                "cursor"),
            row(
                "NUL as a dead-job cursor",
                "GET",
                "/api/v1/dead-jobs?cursor=%00",
                null,
                400,
                "cursor"),
            row("NUL in a job id in the path", "GET", "/api/v1/jobs/a%00b", null, 400, null),
            row(
                "NUL in a credential id in the path",
                "GET",
                "/api/v1/oauth/credentials/x%00",
                null,
                400,
                null),
            // URLs and ids that cannot be what they seem
            create(
                "webhook URL with an IPv6 zone id",
                "{\"type\": \"webhook\", \"id\": \"zone\","
                    + " \"payload\": {\"url\": \"http://[fe80::1%25eth0]/\"}}",
                "payload.url"),
            create(
                "webhook URL on a port not allowed",
                "{\"type\": \"webhook\", \"id\": \"port\","
                    + " \"payload\": {\"url\": \"https://93.184.216.34:8443/x\"}}",
                "payload.url"),
            create("id .", "{\"type\": \"noop\", \"id\": \".\"}", "id"),
            create("id ..", "{\"type\": \"noop\", \"id\": \"..\"}", "id"),
            create(
                "e-mail from a domain not allowed",
                "{\"type\": \"email\", \"id\": \"spoof\","
                    + " \"payload\": {\"to\": [\"ann@example.com\"], \"from\": \"ceo@bank.example\","
                    + " \"subject\": \"s\", \"text\": \"t\"}}",
                "payload.from"),
            // numbers
            create("fractional priority", "{\"type\": \"noop\", \"priority\": 1.5}", "priority"),
            create("priority as a string", "{\"type\": \"noop\", \"priority\": \"5\"}", "priority"),
            create(
                "maxAttempts as a string",
                "{\"type\": \"noop\", \"maxAttempts\": \"3\"}",
                "maxAttempts"),
            create("id as a number", "{\"type\": \"noop\", \"id\": 42}", "id"),
            create(
                "huge integer",
                "{\"type\": \"noop\", \"priority\": 99999999999999999999}",
                "priority"),
            create("huge exponent", "{\"type\": \"noop\", \"priority\": 1e400}", "priority"),
            row("fractional limit", "GET", "/api/v1/jobs?limit=1.5", null, 400, "limit"),
            row(
                "PATCH with a string priority",
                "PATCH",
                "/api/v1/jobs/none",
                "{\"priority\": \"7\"}",
                400,
                "priority"),
            // JSON structure
            create(
                "duplicate key", "{\"type\": \"noop\", \"id\": \"dup\", \"id\": \"dup2\"}", "id"),
            create(
                "duplicate key in the payload",
                "{\"type\": \"log\", \"id\": \"dup-payload\","
                    + " \"payload\": {\"message\": \"a\", \"message\": \"b\"}}",
                "payload.message"),
            create("trailing garbage", "{\"type\": \"noop\", \"id\": \"trailing\"} garbage", null),
            create(
                "a second JSON value",
                "{\"type\": \"noop\", \"id\": \"second\"}"
                    + "{\"type\": \"noop\", \"id\": \"third\"}",
                null),
            create("deeply nested JSON", nested(5000), null),
            create(
                "unknown field",
                "{\"type\": \"noop\", \"id\": \"unknown\", \"colour\": 1}",
                "colour"),
            create("a JSON array as the body", "[{\"type\": \"noop\"}]", null),
            create("an empty body", "", null),
            new Row(
                "invalid UTF-8 bytes",
                "POST",
                "/api/v1/jobs",
                badUtf8,
                JSON,
                400,
                "payload.message"),
            // Schedules that would cost seconds to read, or hold what a cron cannot mean
            create(
                "a cron of 20,000 values",
                "{\"type\": \"noop\", \"id\": \"huge-cron\", \"schedule\": {\"cron\": \""
                    + "7,".repeat(19_999)
                    + "7 * * * *\"}}",
                "schedule.cron"),
            create(
                "a cron listing thirty values",
                "{\"type\": \"noop\", \"id\": \"long-cron\", \"schedule\": {\"cron\": \""
                    + "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29"
                    + " * * * *\"}}",
                "schedule.cron"),
            create(
                "a cron with a tab",
                "{\"type\": \"noop\", \"id\": \"tab-cron\", \"schedule\": {\"cron\": \"0\\t0 * * *\"}}",
                "schedule.cron"),
            create(
                "a cron with CR LF",
                "{\"type\": \"noop\", \"id\": \"crlf-cron\","
                    + " \"schedule\": {\"cron\": \"0 0 * * *\\r\\n0 1 * * *\"}}",
                "schedule.cron"),
            create(
                "a cron with an Arabic-Indic digit",
                "{\"type\": \"noop\", \"id\": \"digit-cron\","
                    + " \"schedule\": {\"cron\": \"\\u0661 * * * *\"}}",
                "schedule.cron"),
            // Values the documented rules refuse
            create(
                "a lone surrogate in a payload string",
                "{\"type\": \"log\", \"id\": \"lone\", \"payload\": {\"message\": \"a\\ud800b\"}}",
                "payload.message"),
            create(
                "a lone surrogate in the group",
                "{\"type\": \"noop\", \"id\": \"lone-group\", \"group\": \"g\\udc00\"}",
                "group"),
            create(
                "a header value given as a number",
                "{\"type\": \"webhook\", \"id\": \"header-number\", \"payload\":"
                    + " {\"url\": \"https://93.184.216.34/x\", \"headers\": {\"X-Count\": 42}}}",
                "payload.headers.X-Count"),
            row(
                "a path parameter cutting the id short",
                "PUT",
                "/api/v1/jobs/a;b",
                "{\"type\": \"noop\"}",
                400,
                "path"),
            row(
                    "a reserved prefix in upper case, by a write key",
                    "POST",
                    "/api/v1/jobs",
                    "{\"type\": \"noop\", \"id\": \"OAUTH-REFRESH:crm\"}",
                    403,
                    "id")
                .by(WRITER),
            row(
                    "a webhook sending an admin's credential to the write key's own URL",
                    "POST",
                    "/api/v1/jobs",
                    "{\"type\": \"webhook\", \"id\": \"steal\", \"payload\": {\"url\":"
                        + " \"https://93.184.216.35/collect\", \"auth\": {\"oauthCredential\":"
                        + " \"crm\"}}}",
                    403,
                    "payload.auth.oauthCredential")
                .by(WRITER),
            row(
                    "a refresh job of an admin's credential, by a write key",
                    "POST",
                    "/api/v1/jobs",
                    "{\"type\": \"oauth-token-refresh\", \"id\": \"refresh-crm\","
                        + " \"payload\": {\"credentialId\": \"crm\"}}",
                    403,
                    "payload.credentialId")
                .by(WRITER),
            row(
                    "a write key requeueing a system job",
                    "POST",
                    "/api/v1/dead-jobs/oauth-refresh:crm/requeue",
                    null,
                    403,
                    null)
                .by(WRITER),
            new Row(
                "wrong content type",
                "POST",
                "/api/v1/jobs",
                "{\"type\": \"noop\"}".getBytes(StandardCharsets.UTF_8),
                "text/plain",
                415,
                null))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void hostileInputIsRefusedAsAProblemAndChangesNothing(Row row, CapturedOutput output)
      throws Exception {
    storeCredential();
    int jobsBefore = jobCount();
    int logged = output.getAll().length();

    HttpResponse<String> response =
        send(row.method(), row.path(), row.body(), row.contentType(), row.key());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(row.status());
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode problem = MAPPER.readTree(response.body());
    assertThat(problem.path("status").asInt()).isEqualTo(row.status());
    if (row.field() == null) {
      assertThat(problem.has("field")).as(response.body()).isFalse();
    } else {
      assertThat(problem.path("field").asText()).as(response.body()).isEqualTo(row.field());
    }
    assertThat(problem.path("detail").asText()).isNotBlank().doesNotContain("java.");
    assertThat(jobCount()).isEqualTo(jobsBefore);
    String log = output.getAll().substring(logged);
    assertThat(log).doesNotContain(" ERROR ").doesNotContain("SEVERE").doesNotContain("\tat ");
  }

  private int jobCount() throws Exception {
    HttpResponse<String> list = send("GET", "/api/v1/jobs?limit=500", null, null);
    assertThat(list.statusCode()).isEqualTo(200);
    return MAPPER.readTree(list.body()).get("items").size();
  }

  @org.junit.jupiter.api.Test
  void writerHashMatches() {
    assertThat(sha256(WRITER)).isEqualTo(WRITER_SHA256);
  }

  @org.junit.jupiter.api.Test
  void aHeaderLineWithAControlByteIsRefusedWithoutItsValueInTheLog(CapturedOutput output)
      throws Exception {
    int logged = output.getAll().length();

    String status = raw("Authorization: Bearer " + KEY + "\u0001");

    assertThat(status).startsWith("HTTP/1.1 400");
    String log = output.getAll().substring(logged);
    assertThat(log).doesNotContain(KEY).doesNotContain("\tat ").doesNotContain("RFC 7230");
  }

  @org.junit.jupiter.api.Test
  void aWholeHostileRunLogsNoSecretInAnyFormAndNoStackTrace(CapturedOutput output)
      throws Exception {
    storeCredential();
    int logged = output.getAll().length();

    for (Arguments arguments : corpus().toList()) {
      Row row = (Row) arguments.get()[0];
      send(row.method(), row.path(), row.body(), row.contentType(), row.key());
    }
    // Secrets in malformed header lines, with the keys that are valid.
    raw("Authorization: Bearer " + KEY + "\u0001");
    raw("Authorization: Bearer " + WRITER + "\u007f");
    raw("X-Api-Key: " + HEADER_SECRET.replace("\u00e9", "e") + "\u0000");
    // Secrets in bodies refused: a webhook's header, a credential's client secret.
    send(
        "POST",
        "/api/v1/jobs",
        ("{\"type\": \"webhook\", \"payload\": {\"url\": \"http://127.0.0.1/x\","
                + " \"headers\": {\"X-Api-Key\": "
                + MAPPER.writeValueAsString(HEADER_SECRET)
                + "}}}")
            .getBytes(StandardCharsets.UTF_8),
        JSON,
        WRITER);
    send(
        "POST",
        "/api/v1/oauth/credentials",
        ("{\"id\": \"refused\", \"tokenEndpoint\": \"http://10.0.0.1/token\", \"grantType\":"
                + " \"client_credentials\", \"clientId\": \"c\", \"clientSecret\": \""
                + CLIENT_SECRET
                + "\", \"allowedTargets\": [\"https://93.184.216.34\"]}")
            .getBytes(StandardCharsets.UTF_8),
        JSON,
        KEY);
    // A key that is wrong (once: wrong keys block the address).
    send("GET", "/api/v1/jobs", null, null, "wrong-" + WRITER);

    String log = output.getAll().substring(logged);
    for (String secret : List.of(KEY, WRITER, "wrong-" + WRITER, HEADER_SECRET, CLIENT_SECRET)) {
      for (String form : forms(secret)) {
        assertThat(log).as(form).doesNotContain(form);
      }
    }
    assertThat(log)
        .doesNotContain("\tat ")
        .doesNotContain(" ERROR ")
        .doesNotContain("SEVERE")
        .doesNotContain("RFC 7230");
  }

  /** The forms a secret may be logged in: as is, JSON-escaped, URL-encoded, base64. */
  private static List<String> forms(String secret) throws Exception {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    String json = MAPPER.writeValueAsString(secret);
    return List.of(
        secret,
        json.substring(1, json.length() - 1),
        java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8),
        Base64.getEncoder().encodeToString(bytes),
        Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /** A request written byte by byte, one header line as given: the status line of the answer. */
  private String raw(String headerLine) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\n"
                      + headerLine
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return answer.lines().findFirst().orElse("");
    }
  }

  /** The credential a write key must not use; stored once, by the operator. */
  private void storeCredential() throws Exception {
    HttpResponse<String> stored =
        send(
            "POST",
            "/api/v1/oauth/credentials",
            ("{\"id\": \"crm\", \"tokenEndpoint\": \"https://93.184.216.34/token\","
                    + " \"grantType\": \"client_credentials\", \"clientId\": \"kairos\","
                    + " \"clientSecret\": \"cs-hostile-crm\","
                    + " \"allowedTargets\": [\"https://93.184.216.34/crm\"]}")
                .getBytes(StandardCharsets.UTF_8),
            JSON,
            KEY);
    assertThat(stored.statusCode()).as(stored.body()).isIn(201, 409);
    jdbc.update(
        "update kairos.kairos_job set state = 'DEAD', finished_at = now() where id = 'oauth-refresh:crm'");
    jdbc.update("delete from kairos.scheduled_tasks where task_instance = 'oauth-refresh:crm'");
  }

  static String sha256(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> send(String method, String path, byte[] body, String contentType)
      throws Exception {
    return send(method, path, body, contentType, null);
  }

  private HttpResponse<String> send(
      String method, String path, byte[] body, String contentType, String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Authorization", "Bearer " + (key == null ? KEY : key))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] concat(String head, byte[] middle, String tail) {
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    byte[] t = tail.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[h.length + middle.length + t.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(middle, 0, all, h.length, middle.length);
    System.arraycopy(t, 0, all, h.length + middle.length, t.length);
    return all;
  }
}
