package io.kairos.api.jobtype;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.ApiApplication;
import io.kairos.catalogue.PublishedTypes;
import io.kairos.job.JobType;
import io.kairos.node.NodeStore;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Applications' own job types as the API sees them: published by worker nodes (here, published the
 * way a worker publishes at start-up), listed with their schemas and live nodes, enforced on new
 * jobs, and named when a job waits for a worker that serves its type.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=published-types-admin-3f8a1c6e9b2d4f7a0c5e8b1d3f6a9c2e",
      "kairos.api.wake-up-horizon=0s",
      // What a worker publishes counts at once here, not within the second the API may keep it.
      "kairos.published-types-read-every=0s"
    })
class PublishedJobTypesTests {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = "published-types-admin-3f8a1c6e9b2d4f7a0c5e8b1d3f6a9c2e";
  static TestDatabases.TestDatabase database;

  /** Version 1 of an application's payload record. */
  record InvoiceReminderV1(@JsonProperty(required = true) String invoiceId, int daysOverdue) {}

  /** Version 2 adds a required field: during a rolling upgrade both versions serve the type. */
  record InvoiceReminderV2(
      @JsonProperty(required = true) String invoiceId,
      int daysOverdue,
      @JsonProperty(required = true) String locale) {}

  /** A record with Bean Validation's constraints, as a Spring developer writes one. */
  record Payout(
      @NotNull String account,
      @NotBlank String reference,
      @Size(max = 8) String code,
      @Min(1) @Max(10) int quantity,
      @Positive long amountCents,
      @PositiveOrZero Integer fee,
      @DecimalMin("0.5") BigDecimal rate,
      @Pattern(regexp = "[A-Z]{3}") String currency,
      @Email String email) {}

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
  @Autowired DataSource dataSource;
  @Autowired PublishedTypes published;
  JdbcTemplate jdbc;

  @BeforeEach
  void clean() {
    jdbc = new JdbcTemplate(dataSource);
    jdbc.update(KairosSchema.DEFAULT.sql("delete from scheduled_tasks"));
    jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_job"));
    jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_node_type"));
    jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_type_schema"));
    jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_node"));
  }

  @Test
  void aPublishedTypeIsListedWithItsSchemaAndLiveNodesAndItsPayloadsAreChecked() throws Exception {
    liveNode("invoices-1", new JobType<>("invoice-reminder", InvoiceReminderV1.class, "Reminds"));

    JsonNode types = body(send("GET", "/api/v1/job-types", null));
    JsonNode invoice = find(types, "invoice-reminder");
    assertThat(invoice.get("builtIn").asBoolean()).isFalse();
    assertThat(invoice.get("description").asText()).isEqualTo("Reminds");
    assertThat(invoice.get("payloadSchema").get("required").toString()).contains("invoiceId");
    assertThat(invoice.get("servedBy").get(0).get("node").asText()).isEqualTo("invoices-1");
    assertThat(invoice.get("liveSchemaVersions").asInt()).isEqualTo(1);
    assertThat(find(types, "noop").get("builtIn").asBoolean()).isTrue();

    HttpResponse<String> missing =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"id\":\"r-1\",\"type\":\"invoice-reminder\",\"payload\":{\"daysOverdue\":3}}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(body(missing).get("field").asText()).isEqualTo("payload.invoiceId");

    HttpResponse<String> wrongType =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"id\":\"r-2\",\"type\":\"invoice-reminder\","
                + "\"payload\":{\"invoiceId\":\"A\",\"daysOverdue\":\"soon\"}}");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(body(wrongType).get("field").asText()).isEqualTo("payload.daysOverdue");

    HttpResponse<String> extra =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"id\":\"r-3\",\"type\":\"invoice-reminder\","
                + "\"payload\":{\"invoiceId\":\"A\",\"colour\":\"red\"}}");
    assertThat(extra.statusCode()).isEqualTo(400);
    assertThat(body(extra).get("field").asText()).isEqualTo("payload.colour");

    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"id\":\"r-4\",\"type\":\"invoice-reminder\","
                + "\"payload\":{\"invoiceId\":\"A\",\"daysOverdue\":3}}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(body(created).get("waitingFor").isNull()).isTrue();
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select count(*) from kairos_job"), Integer.class))
        .isEqualTo(1);
  }

  @Test
  void beanValidationConstraintsArePublishedAndEachFailingFieldIsNamedAtOnce() throws Exception {
    liveNode("payouts-1", new JobType<>("payout", Payout.class, "Pays out"));

    JsonNode schema =
        find(body(send("GET", "/api/v1/job-types", null)), "payout").get("payloadSchema");
    assertThat(schema.get("required").toString()).contains("account").contains("reference");
    assertThat(schema.at("/properties/amountCents/exclusiveMinimum").asInt()).isZero();
    assertThat(schema.at("/properties/email/format").asText()).isEqualTo("email");

    String wrong =
        "{\"reference\":\" \",\"code\":\"TOO-LONG-CODE\",\"quantity\":0,\"amountCents\":-1,"
            + "\"fee\":-1,\"rate\":0.1,\"currency\":\"eur\",\"email\":\"nobody\"}";
    HttpResponse<String> refused =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"id\":\"p-1\",\"type\":\"payout\",\"payload\":" + wrong + "}");
    assertThat(refused.statusCode()).isEqualTo(400);
    JsonNode problem = body(refused);
    List<String> fields =
        List.of(
            "payload.account",
            "payload.reference",
            "payload.code",
            "payload.quantity",
            "payload.amountCents",
            "payload.fee",
            "payload.rate",
            "payload.currency",
            "payload.email");
    assertThat(problem.get("errors"))
        .extracting(error -> error.get("field").asText())
        .containsExactlyInAnyOrderElementsOf(fields);
    assertThat(problem.get("field").asText()).isEqualTo(problem.at("/errors/0/field").asText());
    assertThat(problem.get("detail").asText()).contains(fields);

    // Each item of a batch is checked the same way, its fields named within the batch.
    HttpResponse<String> batch =
        send(
            "POST",
            "/api/v1/jobs/batch",
            "{\"jobs\":[{\"id\":\"p-2\",\"type\":\"payout\",\"payload\":" + wrong + "}]}");
    JsonNode item = body(batch).get("items").get(0);
    assertThat(item.get("status").asText()).isEqualTo("invalid");
    assertThat(item.at("/problem/errors"))
        .extracting(error -> error.get("field").asText())
        .containsExactlyInAnyOrderElementsOf(
            fields.stream().map(field -> "jobs[0]." + field).toList());

    String valid =
        "{\"account\":\"a-1\",\"reference\":\"R-1\",\"quantity\":2,\"amountCents\":500,"
            + "\"rate\":0.5,\"currency\":\"EUR\",\"email\":\"ada@example.com\"}";
    assertThat(
            send(
                    "POST",
                    "/api/v1/jobs",
                    "{\"id\":\"p-3\",\"type\":\"payout\",\"payload\":" + valid + "}")
                .statusCode())
        .isEqualTo(201);
    assertThat(jdbc.queryForObject("select count(*) from kairos.kairos_job", Integer.class))
        .isEqualTo(1);
  }

  @Test
  void wrongTypesInTwoFieldsAreBothNamed() throws Exception {
    liveNode("invoices-1", new JobType<>("invoice-reminder", InvoiceReminderV1.class, "Reminds"));

    HttpResponse<String> refused =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"id\":\"t-1\",\"type\":\"invoice-reminder\","
                + "\"payload\":{\"invoiceId\":7,\"daysOverdue\":\"soon\"}}");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(body(refused).get("errors"))
        .extracting(error -> error.get("field").asText())
        .containsExactly("payload.daysOverdue", "payload.invoiceId");
  }

  @Test
  void anOperatorOnlyBuiltInTypeStaysRefusedThoughAWorkerPublishedIt() throws Exception {
    liveNode("stock-1", io.kairos.jobtype.BuiltInJobTypes.RETENTION);

    HttpResponse<String> refused =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"id\":\"purge\",\"type\":\"retention\","
                + "\"payload\":{\"table\":\"kairos_job\",\"column\":\"created_at\","
                + "\"expired\":true}}");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(body(refused).get("field").asText()).isEqualTo("type");
    assertThat(body(send("GET", "/api/v1/job-types", null)))
        .extracting(type -> type.get("name").asText())
        .doesNotContain("retention");
  }

  @Test
  void aTypeNoWorkerEverPublishedIsRefusedListingTheKnownTypes() throws Exception {
    liveNode("invoices-1", new JobType<>("invoice-reminder", InvoiceReminderV1.class, "Reminds"));

    HttpResponse<String> refused =
        send("POST", "/api/v1/jobs", "{\"id\":\"x\",\"type\":\"send-invoice\",\"payload\":{}}");

    assertThat(refused.statusCode()).isEqualTo(400);
    JsonNode problem = body(refused);
    assertThat(problem.get("field").asText()).isEqualTo("type");
    assertThat(problem.get("detail").asText())
        .contains("'send-invoice' is not a known job type")
        .contains("invoice-reminder")
        .contains("webhook");
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql("select count(*) from kairos_job"), Integer.class))
        .isZero();
  }

  @Test
  void duringARollingUpgradeANewPayloadMustSatisfyEveryLiveVersionsSchema() throws Exception {
    liveNode("invoices-old", new JobType<>("invoice-reminder", InvoiceReminderV1.class, "v1"));
    liveNode("invoices-new", new JobType<>("invoice-reminder", InvoiceReminderV2.class, "v2"));

    JsonNode invoice = find(body(send("GET", "/api/v1/job-types", null)), "invoice-reminder");
    assertThat(invoice.get("liveSchemaVersions").asInt()).isEqualTo(2);
    assertThat(invoice.get("servedBy")).hasSize(2);

    // Old nodes refuse a field they do not know; new nodes need locale. No payload fits both.
    HttpResponse<String> withoutLocale =
        send(
            "POST",
            "/api/v1/jobs",
            "{\"id\":\"u-1\",\"type\":\"invoice-reminder\",\"payload\":{\"invoiceId\":\"A\"}}");
    assertThat(withoutLocale.statusCode()).isEqualTo(400);
    assertThat(body(withoutLocale).get("field").asText()).isEqualTo("payload.locale");
    assertThat(body(withoutLocale).get("detail").asText()).contains("2 payload schemas");

    // Once the old node stopped, the new schema alone applies.
    new NodeStore(dataSource, KairosSchema.DEFAULT)
        .report("invoices-old", io.kairos.node.WorkerNode.State.STOPPED, 0);
    String withLocale =
        "{\"id\":\"u-2\",\"type\":\"invoice-reminder\","
            + "\"payload\":{\"invoiceId\":\"A\",\"locale\":\"de\"}}";
    assertThat(send("POST", "/api/v1/jobs", withLocale).statusCode()).isEqualTo(201);
  }

  @Test
  void aJobOfATypeNoLiveWorkerServesSaysWhatItWaitsFor() throws Exception {
    liveNode("invoices-1", new JobType<>("invoice-reminder", InvoiceReminderV1.class, "Reminds"));
    String job =
        "{\"id\":\"w-1\",\"type\":\"invoice-reminder\","
            + "\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"},"
            + "\"payload\":{\"invoiceId\":\"A\"}}";
    assertThat(send("POST", "/api/v1/jobs", job).statusCode()).isEqualTo(201);
    assertThat(body(send("GET", "/api/v1/jobs/w-1", null)).get("waitingFor").isNull()).isTrue();

    new NodeStore(dataSource, KairosSchema.DEFAULT)
        .report("invoices-1", io.kairos.node.WorkerNode.State.STOPPED, 0);

    assertThat(body(send("GET", "/api/v1/jobs/w-1", null)).get("waitingFor").asText())
        .isEqualTo("no live worker serves type invoice-reminder");
    assertThat(published.servedTypes()).doesNotContain("invoice-reminder");
  }

  private void liveNode(String node, JobType<?> type) {
    new NodeStore(dataSource, KairosSchema.DEFAULT)
        .register(node, "host", 1, Duration.ofSeconds(5));
    published.publish(node, List.of(type));
  }

  private static JsonNode find(JsonNode types, String name) {
    for (JsonNode type : types) {
      if (type.get("name").asText().equals(name)) {
        return type;
      }
    }
    throw new AssertionError("no job type " + name + " in " + types);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + ADMIN)
            .header("Content-Type", "application/json");
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode body(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }
}
