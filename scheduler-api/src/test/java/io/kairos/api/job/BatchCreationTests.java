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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code POST /api/v1/jobs/batch} through the whole API application on a real PostgreSQL. */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=" + BatchCreationTests.ADMIN_KEY,
      "kairos.api.reserved-id-prefixes=maint:",
      "kairos.api.max-body-size=2KB",
      "kairos.api.max-batch-body-size=64KB",
      "kairos.api.quota.max-priority=50",
      "kairos.api.keys[0].name=writer",
      "kairos.api.keys[0].sha256=eb57bf9c9cf74e64fe5e9be78dc337d83c39f05e20f753de536861b9ec2054c9",
      "kairos.api.keys[0].scopes=jobs:write",
      "kairos.api.keys[0].quota.creations-per-minute=4",
      "kairos.api.keys[1].name=reader",
      "kairos.api.keys[1].sha256=ffe12266c85b725bc2e8fcef35810d632aca78c0c7c6a630ec847237ee9f5520",
      "kairos.api.keys[1].scopes=jobs:read",
      "kairos.api.keys[2].name=small",
      "kairos.api.keys[2].sha256=c17ad5711dd36597b6f87772e47bc52ea2a24ccdefe8f0a6b255d323107fda14",
      "kairos.api.keys[2].scopes=jobs:write",
      "kairos.api.keys[2].quota.active-jobs=2",
      "kairos.api.keys[3].name=plain",
      "kairos.api.keys[3].sha256=76e5349d66b0d282e33bc32102aeb0fb4e7253625b49455bf8c4a5d39afa91c6",
      "kairos.api.keys[3].scopes=jobs:write"
    })
class BatchCreationTests {

  static final String ADMIN_KEY = "batch-admin-key-6f1c9a2e7b4d8f3a0c5e9b1d7a2f4c8e";
  static final String WRITER_KEY = "batch-writer-key-2d8f4a6c1e9b3f7a5c0d8e2b6f4a9c1d";
  static final String READER_KEY = "batch-reader-key-9b3e7f1a5c2d8e4f6a0b9c3d7e1f5a2b";
  static final String SMALL_KEY = "batch-small-key-4e8a2c6f0b1d9e5a3f7c2b8d6e0a4f1c";
  static final String PLAIN_KEY = "batch-plain-key-8c2f6a0e4b9d1f5a7c3e8b2d6f0a4c9e";

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
  void eachItemIsCreatedReplayedRefusedOrAConflictAsItsOwnRequestWouldBe() throws Exception {
    String same = "{\"type\":\"log\",\"id\":\"mix-same\",\"payload\":{\"message\":\"hi\"}}";
    assertThat(send("POST", "/api/v1/jobs", same, ADMIN_KEY).statusCode()).isEqualTo(201);
    assertThat(
            send("POST", "/api/v1/jobs", "{\"type\":\"noop\",\"id\":\"mix-taken\"}", ADMIN_KEY)
                .statusCode())
        .isEqualTo(201);

    HttpResponse<String> response =
        batch(
            ADMIN_KEY,
            "{\"type\":\"noop\",\"id\":\"mix-new\",\"group\":\"mix\"}",
            same,
            "{\"type\":\"log\",\"id\":\"mix-taken\",\"payload\":{\"message\":\"other\"}}",
            "{\"type\":\"webhook\",\"id\":\"mix-private\",\"payload\":{\"url\":\"https://10.0.0.1/x\"}}",
            "{\"type\":\"noop\",\"schedule\":{\"every\":\"PT1H\"}}",
            "{\"type\":\"nope\",\"id\":\"mix-unknown-type\"}",
            "{\"type\":\"noop\",\"id\":\"mix-bad-notify\",\"notify\":[{\"webhook\":\"ftp://a.example.com/x\"}]}",
            "null");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = json.readTree(response.body());
    JsonNode items = body.get("items");
    assertThat(items).hasSize(8);
    for (int i = 0; i < items.size(); i++) {
      assertThat(items.get(i).get("index").asInt()).isEqualTo(i);
    }
    assertThat(body.get("created").asInt()).isEqualTo(2);
    assertThat(body.get("replayed").asInt()).isEqualTo(1);
    assertThat(body.get("conflict").asInt()).isEqualTo(1);
    assertThat(body.get("invalid").asInt()).isEqualTo(4);

    assertThat(items.get(0).get("status").asText()).isEqualTo("created");
    assertThat(items.get(0).at("/job/id").asText()).isEqualTo("mix-new");
    assertThat(items.get(0).at("/job/group").asText()).isEqualTo("mix");
    assertThat(items.get(0).at("/job/state").asText()).isEqualTo("SCHEDULED");
    assertThat(items.get(0).get("problem").isNull()).isTrue();

    assertThat(items.get(1).get("status").asText()).isEqualTo("replayed");
    assertThat(items.get(1).at("/job/payload/message").asText()).isEqualTo("hi");

    assertThat(items.get(2).get("status").asText()).isEqualTo("conflict");
    assertThat(items.get(2).get("id").asText()).isEqualTo("mix-taken");
    assertThat(items.get(2).get("job").isNull()).isTrue();
    assertThat(items.get(2).at("/problem/status").asInt()).isEqualTo(409);
    assertThat(items.get(2).at("/problem/field").asText()).isEqualTo("jobs[2].id");

    assertItemProblem(items.get(3), 400, "jobs[3].payload.url");
    assertThat(items.get(3).at("/problem/detail").asText()).startsWith("jobs[3].payload.url ");
    assertThat(items.get(4).get("status").asText()).isEqualTo("created");
    String generated = items.get(4).get("id").asText();
    assertThat(generated).isNotBlank().isEqualTo(items.get(4).at("/job/id").asText());
    assertItemProblem(items.get(5), 400, "jobs[5].type");
    assertItemProblem(items.get(6), 400, "jobs[6].notify[0].webhook");
    assertItemProblem(items.get(7), 400, "jobs[7]");

    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job where id in ('mix-new', '"
                        + generated
                        + "')")))
        .isEqualTo(2);
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from scheduled_tasks where task_instance in ('mix-new', '"
                        + generated
                        + "')")))
        .isEqualTo(2);
    assertThat(
            count(
                KairosSchema.DEFAULT.sql("select count(*) from kairos_job where id like 'mix-%'")))
        .isEqualTo(3);
    // The conflict changed nothing.
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select type from kairos_job where id = 'mix-taken'"),
                String.class))
        .isEqualTo("noop");

    // The same batch again: what was created is now replayed; the rest answers as before.
    JsonNode again =
        json.readTree(
            batch(ADMIN_KEY, "{\"type\":\"noop\",\"id\":\"mix-new\",\"group\":\"mix\"}").body());
    assertThat(again.at("/items/0/status").asText()).isEqualTo("replayed");
  }

  @Test
  void reservedIdsAndStaticQuotasAreRefusedPerItemForTheKey() throws Exception {
    HttpResponse<String> response =
        batch(
            PLAIN_KEY,
            "{\"type\":\"noop\",\"id\":\"maint:clean\"}",
            "{\"type\":\"noop\",\"id\":\"own-priority\",\"priority\":60}",
            "{\"type\":\"noop\",\"id\":\"own-ok\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode items = json.readTree(response.body()).get("items");
    assertItemProblem(items.get(0), 403, "jobs[0].id");
    assertItemProblem(items.get(1), 400, "jobs[1].priority");
    assertThat(items.get(2).get("status").asText()).isEqualTo("created");
    assertThat(items.get(2).at("/job/createdBy").asText()).isEqualTo("plain");
    // The same ids are the admin's to take.
    JsonNode admin =
        json.readTree(batch(ADMIN_KEY, "{\"type\":\"noop\",\"id\":\"maint:clean\"}").body());
    assertThat(admin.at("/items/0/status").asText()).isEqualTo("created");
  }

  @Test
  void aBatchNeedsTheWriteScopeAndAKey() throws Exception {
    HttpResponse<String> reader = batch(READER_KEY, "{\"type\":\"noop\",\"id\":\"scope-1\"}");
    assertThat(reader.statusCode()).isEqualTo(403);
    assertThat(json.readTree(reader.body()).get("requiredScope").asText()).isEqualTo("jobs:write");
    HttpResponse<String> anonymous =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/batch"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jobs\":[{\"type\":\"noop\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(
            count(KairosSchema.DEFAULT.sql("select count(*) from kairos_job where id = 'scope-1'")))
        .isZero();
  }

  @Test
  void anEmptyOrOverlongListAndIdsGivenTwiceRefuseTheWholeBatch() throws Exception {
    assertRefused(send("POST", "/api/v1/jobs/batch", "{\"jobs\":[]}", ADMIN_KEY), "jobs");
    assertRefused(send("POST", "/api/v1/jobs/batch", "{}", ADMIN_KEY), "jobs");
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      tooMany.add("{\"type\":\"noop\",\"id\":\"over-" + i + "\"}");
    }
    assertRefused(batch(ADMIN_KEY, tooMany.toArray(String[]::new)), "jobs");
    assertThat(
            count(
                KairosSchema.DEFAULT.sql("select count(*) from kairos_job where id like 'over-%'")))
        .isZero();

    HttpResponse<String> twice =
        batch(
            ADMIN_KEY,
            "{\"type\":\"noop\",\"id\":\"twice-a\"}",
            "{\"type\":\"noop\",\"id\":\"twice-b\"}",
            "{\"type\":\"log\",\"id\":\"twice-a\",\"payload\":{\"message\":\"x\"}}");
    assertRefused(twice, "jobs[2].id");
    assertThat(json.readTree(twice.body()).get("detail").asText()).contains("jobs[0]");
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job where id like 'twice-%'")))
        .isZero();

    // An unknown field inside an item is malformed JSON for the whole body, named by its path.
    assertRefused(
        batch(ADMIN_KEY, "{\"type\":\"noop\"}", "{\"type\":\"noop\",\"colour\":\"red\"}"),
        "jobs[1].colour");
  }

  @Test
  void bodiesAreLimitedPerBatchAndEachItemAsItsOwnRequest() throws Exception {
    String big = "x".repeat(3000); // over max-body-size (2KB), well within the batch's 64KB
    HttpResponse<String> response =
        batch(
            ADMIN_KEY,
            "{\"type\":\"log\",\"id\":\"size-big\",\"payload\":{\"message\":\"" + big + "\"}}",
            "{\"type\":\"noop\",\"id\":\"size-small\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode items = json.readTree(response.body()).get("items");
    assertItemProblem(items.get(0), 400, "jobs[0]");
    assertThat(items.get(1).get("status").asText()).isEqualTo("created");

    List<String> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add(
          "{\"type\":\"log\",\"id\":\"size-many-"
              + i
              + "\",\"payload\":{\"message\":\""
              + "y".repeat(1800)
              + "\"}}");
    }
    HttpResponse<String> tooLarge = batch(ADMIN_KEY, many.toArray(String[]::new));
    assertThat(tooLarge.statusCode()).isEqualTo(400);
    assertThat(json.readTree(tooLarge.body()).get("title").asText()).isEqualTo("Request too large");
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job where id like 'size-many-%'")))
        .isZero();
  }

  @Test
  void theBatchsNewJobsAreHeldToTheKeysDynamicQuotasTogether() throws Exception {
    // writer: 4 creations a minute.
    assertThat(send("POST", "/api/v1/jobs", "{\"type\":\"noop\",\"id\":\"q-0\"}", WRITER_KEY))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(201);
    HttpResponse<String> five =
        batch(
            WRITER_KEY,
            "{\"type\":\"noop\",\"id\":\"q-1\"}",
            "{\"type\":\"noop\",\"id\":\"q-2\"}",
            "{\"type\":\"noop\",\"id\":\"q-3\"}",
            "{\"type\":\"noop\",\"id\":\"q-4\"}",
            "{\"type\":\"noop\",\"id\":\"q-5\"}");
    assertRefused(five, "jobs");
    assertThat(json.readTree(five.body()).get("detail").asText()).contains("5 new jobs");

    // Replays and invalid items take nothing from the rate; three new jobs fit in what is left.
    HttpResponse<String> fits =
        batch(
            WRITER_KEY,
            "{\"type\":\"noop\",\"id\":\"q-0\"}",
            "{\"type\":\"noop\",\"id\":\"q-1\"}",
            "{\"type\":\"noop\",\"id\":\"q-2\"}",
            "{\"type\":\"noop\",\"id\":\"q-3\"}",
            "{\"type\":\"noop\",\"id\":\"q-bad\",\"priority\":99}");
    assertThat(fits.statusCode()).as(fits.body()).isEqualTo(200);
    assertThat(json.readTree(fits.body()).get("created").asInt()).isEqualTo(3);
    assertThat(json.readTree(fits.body()).get("replayed").asInt()).isEqualTo(1);

    HttpResponse<String> over =
        batch(
            WRITER_KEY, "{\"type\":\"noop\",\"id\":\"q-4\"}", "{\"type\":\"noop\",\"id\":\"q-5\"}");
    assertThat(over.statusCode()).as(over.body()).isEqualTo(429);
    assertThat(json.readTree(over.body()).get("limit").asText()).isEqualTo("creationsPerMinute");
    assertThat(over.headers().firstValue("Retry-After")).isPresent();
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job where id in ('q-4', 'q-5')")))
        .isZero();

    // small: 2 live jobs; a batch of 3 new ones is refused whole, 2 fit.
    String later = ",\"schedule\":{\"every\":\"PT1H\"}";
    HttpResponse<String> three =
        batch(
            SMALL_KEY,
            "{\"type\":\"noop\",\"id\":\"live-1\"" + later + "}",
            "{\"type\":\"noop\",\"id\":\"live-2\"" + later + "}",
            "{\"type\":\"noop\",\"id\":\"live-3\"" + later + "}");
    assertThat(three.statusCode()).as(three.body()).isEqualTo(429);
    assertThat(json.readTree(three.body()).get("limit").asText()).isEqualTo("activeJobs");
    assertThat(
            count(
                KairosSchema.DEFAULT.sql("select count(*) from kairos_job where id like 'live-%'")))
        .isZero();
    HttpResponse<String> two =
        batch(
            SMALL_KEY,
            "{\"type\":\"noop\",\"id\":\"live-1\"" + later + "}",
            "{\"type\":\"noop\",\"id\":\"live-2\"" + later + "}");
    assertThat(json.readTree(two.body()).get("created").asInt()).isEqualTo(2);
  }

  @Test
  void aDatabaseFailureMidBatchCreatesNoneOfIt() throws Exception {
    // An execution left without its job: scheduling the job of that id fails in the database,
    // after the rows of the batch's jobs were inserted in the same transaction.
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "insert into scheduled_tasks (task_name, task_instance, execution_time, picked, version)"
                + " values ('noop', 'fail-2', now() + interval '1 hour', false, 1)"));
    HttpResponse<String> response =
        batch(
            ADMIN_KEY,
            "{\"type\":\"noop\",\"id\":\"fail-1\"}",
            "{\"type\":\"noop\",\"id\":\"fail-2\"}",
            "{\"type\":\"noop\",\"id\":\"fail-3\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(500);
    assertThat(
            count(
                KairosSchema.DEFAULT.sql("select count(*) from kairos_job where id like 'fail-%'")))
        .isZero();
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from scheduled_tasks where task_instance in ('fail-1', 'fail-3')")))
        .isZero();

    jdbc.update(
        KairosSchema.DEFAULT.sql("delete from scheduled_tasks where task_instance = 'fail-2'"));
    JsonNode retried =
        json.readTree(
            batch(
                    ADMIN_KEY,
                    "{\"type\":\"noop\",\"id\":\"fail-1\"}",
                    "{\"type\":\"noop\",\"id\":\"fail-2\"}",
                    "{\"type\":\"noop\",\"id\":\"fail-3\"}")
                .body());
    assertThat(retried.get("created").asInt()).isEqualTo(3);
  }

  @Test
  void workersAreWokenOnceForABatchDueNow() throws Exception {
    Properties credentials = new Properties();
    credentials.setProperty("user", database.user());
    if (database.password() != null) {
      credentials.setProperty("password", database.password());
    }
    try (Connection listener = DriverManager.getConnection(database.jdbcUrl(), credentials)) {
      try (Statement st = listener.createStatement()) {
        st.execute("LISTEN kairos_due");
      }
      Thread.sleep(50); // past the coalescing window of anything sent before
      List<String> items = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        items.add("{\"type\":\"noop\",\"id\":\"wake-" + i + "\"}");
      }
      assertThat(
              json.readTree(batch(ADMIN_KEY, items.toArray(String[]::new)).body())
                  .get("created")
                  .asInt())
          .isEqualTo(50);
      PGConnection pg = listener.unwrap(PGConnection.class);
      int notifications = 0;
      long until = System.currentTimeMillis() + 500;
      while (System.currentTimeMillis() < until) {
        PGNotification[] received = pg.getNotifications(100);
        notifications += received == null ? 0 : received.length;
      }
      assertThat(notifications).isEqualTo(1);
    }
  }

  @Test
  void aConcurrencyKeyIsKeptWithItsJobAndABadOneIsRefusedNamingIt() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"type\":\"noop\",\"id\":\"ck-one\",\"concurrencyKey\":\"Kunde 42 ü\"}",
            PLAIN_KEY);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json.readTree(created.body()).get("concurrencyKey").asText())
        .isEqualTo("Kunde 42 ü");
    HttpResponse<String> read = send("GET", "/api/v1/jobs/ck-one", null, READER_KEY);
    assertThat(json.readTree(read.body()).get("concurrencyKey").asText()).isEqualTo("Kunde 42 ü");
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select concurrency_key from kairos_job where id = 'ck-one'"),
                String.class))
        .isEqualTo("Kunde 42 ü");

    // A replacement is a whole definition: its key replaces the old one.
    HttpResponse<String> replaced =
        send(
            "PUT",
            "/api/v1/jobs/ck-one",
            "{\"type\":\"noop\",\"concurrencyKey\":\"customer-7\"}",
            PLAIN_KEY);
    assertThat(replaced.statusCode()).as(replaced.body()).isBetween(200, 201);
    read = send("GET", "/api/v1/jobs/ck-one", null, READER_KEY);
    assertThat(json.readTree(read.body()).get("concurrencyKey").asText()).isEqualTo("customer-7");

    for (String bad :
        List.of(
            "\"\"", "\"   \"", "\"" + "k".repeat(201) + "\"", "\"a\\u0007b\"", "\"two\\nlines\"")) {
      String body = "{\"type\":\"noop\",\"id\":\"ck-bad\",\"concurrencyKey\":" + bad + "}";
      assertRefused(send("POST", "/api/v1/jobs", body, PLAIN_KEY), "concurrencyKey");
      assertRefused(
          send(
              "PUT",
              "/api/v1/jobs/ck-one",
              "{\"type\":\"noop\",\"concurrencyKey\":" + bad + "}",
              PLAIN_KEY),
          "concurrencyKey");
    }
    assertThat(
            send(
                    "POST",
                    "/api/v1/jobs",
                    "{\"type\":\"noop\",\"concurrencyKey\":" + "\"" + "k".repeat(200) + "\"}",
                    PLAIN_KEY)
                .statusCode())
        .as("200 characters are allowed")
        .isEqualTo(201);

    HttpResponse<String> response =
        batch(
            PLAIN_KEY,
            "{\"type\":\"noop\",\"id\":\"ck-batch\",\"concurrencyKey\":\"tenant-a\"}",
            "{\"type\":\"noop\",\"id\":\"ck-batch-bad\",\"concurrencyKey\":\" \"}");
    JsonNode items = json.readTree(response.body()).get("items");
    assertThat(items.get(0).at("/job/concurrencyKey").asText()).isEqualTo("tenant-a");
    assertItemProblem(items.get(1), 400, "jobs[1].concurrencyKey");
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select concurrency_key from kairos_job where id = 'ck-batch'"),
                String.class))
        .isEqualTo("tenant-a");
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job where id in ('ck-bad', 'ck-batch-bad')")))
        .isZero();
    // The one job still has the key its last accepted definition gave it.
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select concurrency_key from kairos_job where id = 'ck-one'"),
                String.class))
        .isEqualTo("customer-7");
  }

  private void assertItemProblem(JsonNode item, int status, String field) {
    assertThat(item.get("status").asText()).as(item.toString()).isEqualTo("invalid");
    assertThat(item.get("job").isNull()).isTrue();
    assertThat(item.at("/problem/status").asInt()).as(item.toString()).isEqualTo(status);
    assertThat(item.at("/problem/field").asText()).as(item.toString()).isEqualTo(field);
  }

  private void assertRefused(HttpResponse<String> response, String field) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(json.readTree(response.body()).path("field").asText()).isEqualTo(field);
  }

  private HttpResponse<String> batch(String key, String... items) throws Exception {
    return send("POST", "/api/v1/jobs/batch", "{\"jobs\":[" + String.join(",", items) + "]}", key);
  }

  private long count(String sql) {
    Long n = jdbc.queryForObject(sql, Long.class);
    return n == null ? 0 : n;
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
}
