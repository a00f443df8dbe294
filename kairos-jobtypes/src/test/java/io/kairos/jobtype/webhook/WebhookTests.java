package io.kairos.jobtype.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.github.resilience4j.retry.Retry;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobContext;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.outbound.Cidr;
import io.kairos.outbound.OutboundHttp;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.Resolver;
import io.kairos.retry.RetryPolicy;
import io.kairos.retry.RetryingHandler;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.TestHttpServer;
import io.kairos.testing.TestHttpServer.Received;
import io.kairos.testing.TestHttpServer.Reply;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook jobs against a real local HTTP server, on a real PostgreSQL. */
class WebhookTests {

  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final OutboundPolicy LOCAL_ALLOWED = new OutboundPolicy(List.of(), true, List.of());

  static KairosFixture fixture;
  TestHttpServer server;
  SettableClock clock;
  ManualScheduler scheduler;
  List<Duration> tierOneWaits;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(BuiltInJobTypes.WEBHOOK, (p, c) -> {}), 4);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @BeforeEach
  void start() {
    server = TestHttpServer.start();
    clock = new SettableClock();
    clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    worker(LOCAL_ALLOWED, Resolver.SYSTEM);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  void worker(OutboundPolicy policy, Resolver resolver) {
    Retry retry =
        Retry.of(
            "webhook",
            new RetryPolicy(3, Duration.ofMillis(10), 2.0, 0.0, Duration.ofSeconds(2))
                .toRetryConfig());
    tierOneWaits = new java.util.concurrent.CopyOnWriteArrayList<>();
    retry.getEventPublisher().onRetry(event -> tierOneWaits.add(event.getWaitInterval()));
    WebhookHandler handler =
        new WebhookHandler(
            new OutboundHttp(
                Duration.ofSeconds(2), policy.withAllowedPorts(List.of(server.port())), resolver),
            WebhookSigner.of(SECRET),
            Duration.ofSeconds(5),
            clock);
    var support =
        fixture.jobTasks(
            clock, new PersistedBackoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10)));
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(
                    fixture.schedulerDataSource,
                    List.of(
                        support.task(
                            BuiltInJobTypes.WEBHOOK, RetryingHandler.decorate(handler, retry))))
                .clock(clock)
                .serializer(fixture.serializer)
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
  }

  @Test
  void aWebhookIsSignedSoTheReceiverCanVerifyItAsStandardWebhooksSays() throws Exception {
    submit(
        "signed",
        "{\"method\": \"POST\", \"url\": \""
            + server.uri("/hooks/order")
            + "\", \"headers\": {\"X-Tenant\": \"acme\"}, \"body\": {\"order\": 42}}",
        3);

    scheduler.runAnyDueExecutions();

    Received request = server.received().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri().getPath()).isEqualTo("/hooks/order");
    assertThat(request.bodyText()).isEqualTo("{\"order\":42}");
    assertThat(request.header("content-type")).isEqualTo("application/json");
    assertThat(request.header("x-tenant")).isEqualTo("acme");
    String occurrence = "signed@" + Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    assertThat(request.header("idempotency-key")).isEqualTo(occurrence);
    assertThat(request.header("webhook-id")).isEqualTo(occurrence);
    assertThat(request.header("webhook-timestamp")).isEqualTo("1772359200");
    assertThat(verifies(request, SECRET)).isTrue();
    assertThat(verifies(request, "whsec_" + Base64.getEncoder().encodeToString(new byte[24])))
        .isFalse();
    assertThat(runs("signed"))
        .extracting(JobRun::outcome, JobRun::detail)
        .containsExactly(tuple(RunOutcome.SUCCEEDED, "HTTP 200: ok"));
  }

  @Test
  void a5xxIsRetriedWithTheSameIdempotencyKeyUntilA200() {
    server.enqueue(Reply.of(503, "busy"), Reply.of(502, "bad gateway"), Reply.of(200, "done"));
    submit("flaky-receiver", "{\"url\": \"" + server.uri("/hook") + "\", \"body\": \"ping\"}", 3);

    scheduler.runAnyDueExecutions();

    assertThat(server.received()).hasSize(3);
    assertThat(server.received())
        .extracting(r -> r.header("idempotency-key"))
        .containsOnly("flaky-receiver@" + clock.now().toEpochMilli());
    assertThat(server.received()).allMatch(r -> verifies(r, SECRET));
    assertThat(server.received().get(0).header("content-type"))
        .isEqualTo("text/plain; charset=utf-8");
    assertThat(runs("flaky-receiver"))
        .extracting(JobRun::outcome, JobRun::detail)
        .containsExactly(tuple(RunOutcome.SUCCEEDED, "HTTP 200: done (3 tries in process)"));
  }

  @Test
  void a429WithAShortRetryAfterIsWaitedOutInProcess() {
    server.enqueue(Reply.of(429, "slow down").with("Retry-After", "1"));
    submit("throttled-short", "{\"url\": \"" + server.uri("/hook") + "\"}", 3);

    scheduler.runAnyDueExecutions();

    assertThat(server.received()).hasSize(2);
    assertThat(tierOneWaits).containsExactly(Duration.ofSeconds(1));
    assertThat(runs("throttled-short").get(0).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
  }

  @Test
  void a429WithALongRetryAfterIsLeftToThePersistedTierWhichWaitsThatLong() {
    server.enqueue(Reply.of(429, "quota exhausted").with("Retry-After", "120"));
    submit("throttled-long", "{\"url\": \"" + server.uri("/hook") + "\"}", 3);

    scheduler.runAnyDueExecutions();

    assertThat(server.received()).hasSize(1);
    var job = fixture.jobs.find("throttled-long").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(job.nextRunAt()).isEqualTo(clock.now().plusSeconds(120));

    scheduler.tick(Duration.ofSeconds(120));
    scheduler.runAnyDueExecutions();

    assertThat(server.received()).hasSize(2);
    assertThat(server.received())
        .extracting(r -> r.header("idempotency-key"))
        .containsOnly("throttled-long@" + Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
    assertThat(runs("throttled-long"))
        .extracting(JobRun::attempt, JobRun::outcome, JobRun::detail)
        .containsExactly(
            tuple(1, RunOutcome.FAILED, "HTTP 429: quota exhausted"),
            tuple(2, RunOutcome.SUCCEEDED, "HTTP 200: ok"));
  }

  @Test
  void a404IsPermanentAndTheJobDiesWithTheStatusInItsError() {
    server.enqueue(Reply.of(404, "no such hook"));
    submit("gone", "{\"url\": \"" + server.uri("/nowhere") + "\"}", 5);

    scheduler.runAnyDueExecutions();

    assertThat(server.received()).hasSize(1);
    var job = fixture.jobs.find("gone").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DEAD);
    assertThat(job.lastError()).isEqualTo("PermanentJobFailure: HTTP 404: no such hook");
    assertThat(runs("gone").get(0).detail()).isEqualTo("HTTP 404: no such hook");
  }

  @Test
  void onlyABoundedExcerptOfTheResponseBodyIsKept() {
    server.enqueue(Reply.of(200, "x".repeat(100_000)));
    submit("chatty", "{\"url\": \"" + server.uri("/hook") + "\"}", 1);

    scheduler.runAnyDueExecutions();

    assertThat(runs("chatty").get(0).detail())
        .startsWith("HTTP 200: xxx")
        .hasSize("HTTP 200: ".length() + WebhookHandler.EXCERPT_LENGTH + 1)
        .endsWith("…");
  }

  @Test
  void aRedirectIsFollowedAndEachHopChecked() {
    server.enqueue(Reply.of(307, "").with("Location", "/moved"));
    submit("moved", "{\"url\": \"" + server.uri("/hook") + "\", \"body\": {\"a\": 1}}", 1);

    scheduler.runAnyDueExecutions();

    assertThat(server.received())
        .extracting(r -> r.uri().getPath())
        .containsExactly("/hook", "/moved");
    assertThat(server.received().get(1).bodyText()).isEqualTo("{\"a\":1}");
    assertThat(verifies(server.received().get(1), SECRET)).isTrue();
    assertThat(runs("moved").get(0).detail()).isEqualTo("HTTP 200 (after 1 redirects): ok");
  }

  @Test
  void aRedirectToAPrivateAddressIsRefusedAndTheJobDies() {
    // Private networks refused; only this test server's address is let through.
    worker(
        new OutboundPolicy(List.of(), false, List.of(Cidr.parse("127.0.0.1/32"))), Resolver.SYSTEM);
    server.enqueue(Reply.of(302, "").with("Location", "http://169.254.169.254/latest/meta-data/"));
    submit("metadata-grab", "{\"url\": \"" + server.uri("/hook") + "\"}", 3);

    scheduler.runAnyDueExecutions();

    assertThat(server.received()).hasSize(1);
    var job = fixture.jobs.find("metadata-grab").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DEAD);
    assertThat(job.lastError())
        .contains("redirect to http://169.254.169.254/latest/meta-data/ refused")
        .contains("private, loopback or link-local");
  }

  @Test
  void aRedirectToAHostOffTheAllowListIsRefused() {
    worker(new OutboundPolicy(List.of("127.0.0.1"), true, List.of()), Resolver.SYSTEM);
    server.enqueue(Reply.of(301, "").with("Location", "http://localhost:" + server.port() + "/x"));
    submit("off-list", "{\"url\": \"" + server.uri("/hook") + "\"}", 3);

    scheduler.runAnyDueExecutions();

    assertThat(server.received()).hasSize(1);
    assertThat(fixture.jobs.find("off-list").orElseThrow().lastError())
        .contains("host 'localhost' is not on the allow-list");
  }

  @Test
  void aHostThatResolvesToAPrivateAddressWhenTheRequestIsSentIsRefused() {
    // Public when the job was created, loopback when it runs (DNS rebinding).
    Resolver rebinding = fixed("hooks.example.com", "127.0.0.1");
    worker(OutboundPolicy.PUBLIC_ONLY, rebinding);
    submit("rebound", "{\"url\": \"http://hooks.example.com:" + server.port() + "/hook\"}", 3);

    scheduler.runAnyDueExecutions();

    assertThat(server.received()).isEmpty();
    var job = fixture.jobs.find("rebound").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DEAD);
    assertThat(job.lastError())
        .isEqualTo(
            "PermanentJobFailure: refused to send to http://hooks.example.com:"
                + server.port()
                + "/hook: host 'hooks.example.com' resolves to 127.0.0.1, which is a private,"
                + " loopback or link-local address");
  }

  @Test
  void privateAndLoopbackTargetsAreRefusedWhenTheJobIsCreated() {
    JobCatalogue catalogue =
        fixture.catalogue.withCheck(
            BuiltInJobTypes.WEBHOOK,
            new WebhookTargetCheck(
                OutboundPolicy.PUBLIC_ONLY,
                fixed("hooks.example.com", "93.184.216.34", "sneaky.example.com", "10.1.2.3")));

    for (String url :
        List.of(
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://10.0.0.5/x",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/x",
            "http://[::ffff:127.0.0.1]/x",
            "http://[fd00::1]/x",
            "http://0.0.0.0/",
            "http://sneaky.example.com/x")) {
      assertThatThrownBy(() -> catalogue.bind(BuiltInJobTypes.WEBHOOK, payload(url)), url)
          .isInstanceOf(InvalidJobException.class)
          .extracting(e -> ((InvalidJobException) e).field())
          .isEqualTo("payload.url");
    }
    assertThat(
            catalogue.bind(BuiltInJobTypes.WEBHOOK, payload("https://hooks.example.com/x")).url())
        .isEqualTo("https://hooks.example.com/x");
    assertThat(catalogue.bind(BuiltInJobTypes.WEBHOOK, payload("https://93.184.216.34/x")).url())
        .isEqualTo("https://93.184.216.34/x");
  }

  @Test
  void anAllowListLimitsTargetsToItsHosts() {
    Resolver dns = fixed("api.partner.com", "93.184.216.34", "evil.com", "93.184.216.35");
    JobCatalogue catalogue =
        fixture.catalogue.withCheck(
            BuiltInJobTypes.WEBHOOK,
            new WebhookTargetCheck(
                new OutboundPolicy(List.of("*.partner.com"), false, List.of()), dns));

    assertThat(catalogue.bind(BuiltInJobTypes.WEBHOOK, payload("https://api.partner.com/h")))
        .isNotNull();
    assertThatThrownBy(() -> catalogue.bind(BuiltInJobTypes.WEBHOOK, payload("https://evil.com/h")))
        .hasMessage("payload.url host 'evil.com' is not on the allow-list");
    assertThatThrownBy(
            () -> catalogue.bind(BuiltInJobTypes.WEBHOOK, payload("https://partner.com/h")))
        .hasMessageContaining("not on the allow-list");
  }

  @Test
  void payloadsThatCouldNotBeSentAsAskedAreRefusedNamingTheField() {
    assertRefused("{\"url\": \"ftp://example.com/x\"}", "payload.url");
    assertRefused("{\"url\": \"https://user:pw@example.com/x\"}", "payload.url");
    assertRefused("{\"method\": \"TRACE\", \"url\": \"https://example.com\"}", "payload.method");
    assertRefused(
        "{\"method\": \"GET\", \"url\": \"https://example.com\", \"body\": {}}", "payload.body");
    assertRefused(
        "{\"url\": \"https://example.com\", \"headers\": {\"Idempotency-Key\": \"mine\"}}",
        "payload.headers.Idempotency-Key");
    assertRefused(
        "{\"url\": \"https://example.com\", \"headers\": {\"X-A\": \"a\\r\\nX-B: b\"}}",
        "payload.headers.X-A");
    assertRefused("{\"url\": \"https://example.com\", \"timeout\": \"PT10M\"}", "payload.timeout");
    assertRefused("{\"url\": \"https://example.com\", \"extra\": 1}", "payload.extra");
  }

  @Test
  void aReceiverEchoingTheRequestLeavesNoCredentialInHistory() {
    // An echo endpoint, as debugging receivers and some error pages are.
    server.enqueue(
        request ->
            Reply.of(
                400,
                "bad request: authorization="
                    + request.header("authorization")
                    + " uri="
                    + request.uri()
                    + " key="
                    + java.net.URLDecoder.decode(
                        request.uri().getRawQuery(), StandardCharsets.UTF_8)));
    submit(
        "echoed",
        "{\"url\": \""
            + server.uri("/hook?api_key=qs-s3cr3t%2Fvalue&page=2")
            + "\", \"headers\": {\"Authorization\": \"Bearer partner-s3cr3t-token\"}}",
        1);

    scheduler.runAnyDueExecutions();

    String detail = runs("echoed").get(0).detail();
    assertThat(detail)
        .startsWith("HTTP 400: bad request: authorization=[redacted]")
        .contains("page=2")
        .doesNotContain("partner-s3cr3t-token")
        .doesNotContain("qs-s3cr3t");
    assertThat(fixture.jobs.find("echoed").orElseThrow().lastError())
        .doesNotContain("partner-s3cr3t-token")
        .doesNotContain("qs-s3cr3t");
  }

  @Test
  void aSecretEchoedEscapedEncodedOrInBase64IsRedactedToo() throws Exception {
    // A value with a quote, a backslash, a tab and non-ASCII letters: JSON escapes it.
    String secret = "k3y\"with\\quote\tand-\u00e9\u00fc-9f2c";
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    server.enqueue(
        request -> {
          String value = request.header("x-api-key");
          String json;
          String asciiJson;
          try {
            json = mapper.writeValueAsString(java.util.Map.of("x-api-key", value));
            asciiJson =
                mapper
                    .copy()
                    .enable(
                        com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII
                            .mappedFeature())
                    .writeValueAsString(value);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return Reply.of(
              400,
              "echo "
                  + json
                  + " ascii "
                  + asciiJson
                  + " url "
                  + java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)
                  + " b64 "
                  + java.util.Base64.getEncoder()
                      .encodeToString(("user:" + value).getBytes(StandardCharsets.UTF_8))
                  + " b64url "
                  + java.util.Base64.getUrlEncoder()
                      .encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        });
    submit(
        "echo-forms",
        "{\"url\": \""
            + server.uri("/hook")
            + "\", \"headers\": {\"X-Api-Key\": "
            + mapper.writeValueAsString(secret)
            + "}}",
        1);

    scheduler.runAnyDueExecutions();

    String detail = runs("echo-forms").get(0).detail();
    assertThat(detail).startsWith("HTTP 400: echo {\"x-api-key\":\"[redacted]\"}");
    String stored = detail + " " + fixture.jobs.find("echo-forms").orElseThrow().lastError();
    for (String form :
        List.of(
            secret,
            mapper.writeValueAsString(secret),
            "k3y\\\"with",
            "9f2c",
            "\\u00e9",
            java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8),
            java.util.Base64.getEncoder()
                .encodeToString(("user:" + secret).getBytes(StandardCharsets.UTF_8))
                .substring(8, 30),
            java.util.Base64.getUrlEncoder()
                .encodeToString(secret.getBytes(StandardCharsets.UTF_8))
                .substring(0, 20))) {
      assertThat(stored).as(form).doesNotContain(form);
    }
  }

  @Test
  void headerValuesNeverShowInThePayloadsText() {
    WebhookPayload payload =
        fixture.catalogue.bind(
            BuiltInJobTypes.WEBHOOK,
            fixture.payload(
                "{\"url\": \"https://example.com\", \"headers\": {\"Authorization\": \"Bearer s3cr3t\"}}"));
    assertThat(payload.toString()).contains("Authorization").doesNotContain("s3cr3t");
  }

  @Test
  void withoutASigningSecretNoWebhookIsSent() throws Exception {
    WebhookHandler unsigned =
        new WebhookHandler(
            new OutboundHttp(
                Duration.ofSeconds(1),
                LOCAL_ALLOWED.withAllowedPorts(List.of(server.port())),
                Resolver.SYSTEM),
            null,
            Duration.ofSeconds(5),
            clock);
    WebhookPayload payload =
        fixture.catalogue.bind(BuiltInJobTypes.WEBHOOK, payload(server.uri("/hook").toString()));

    assertThatThrownBy(
            () ->
                unsigned.handle(
                    payload, new JobContext("j", "webhook", clock.now(), 1, false, "n")))
        .isInstanceOf(PermanentJobFailure.class)
        .hasMessageContaining("kairos.webhook.signing-secret");
    assertThat(server.received()).isEmpty();
  }

  private void assertRefused(String json, String field) {
    assertThatThrownBy(() -> fixture.catalogue.bind(BuiltInJobTypes.WEBHOOK, fixture.payload(json)))
        .isInstanceOf(InvalidJobException.class)
        .extracting(e -> ((InvalidJobException) e).field())
        .isEqualTo(field);
  }

  private com.fasterxml.jackson.databind.JsonNode payload(String url) {
    return fixture.json.createObjectNode().put("url", url);
  }

  /** A DNS of fixed answers: host, address, host, address, … */
  private static Resolver fixed(String... pairs) {
    Map<String, String> table = new java.util.HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      table.put(pairs[i], pairs[i + 1]);
    }
    return host -> {
      String address = table.get(host);
      if (address == null) {
        return Resolver.SYSTEM.resolve(host);
      }
      return List.of(InetAddress.getByName(address));
    };
  }

  /** What a receiver does with a Standard Webhooks library, written out. */
  private static boolean verifies(Received request, String secret) {
    try {
      byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      String signed =
          request.header("webhook-id")
              + "."
              + request.header("webhook-timestamp")
              + "."
              + request.bodyText();
      String expected =
          "v1,"
              + Base64.getEncoder()
                  .encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
      for (String candidate : request.header("webhook-signature").split(" ")) {
        if (java.security.MessageDigest.isEqual(
            candidate.getBytes(StandardCharsets.UTF_8),
            expected.getBytes(StandardCharsets.UTF_8))) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void submit(String id, String payloadJson, int maxAttempts) {
    fixture
        .submitter(clock)
        .submit(
            fixture.job(
                id,
                "webhook",
                fixture.payload(payloadJson),
                ScheduleSpec.at(clock.now()),
                maxAttempts));
  }

  private List<JobRun> runs(String id) {
    return fixture.runs.runsOf(id, 0, 10);
  }
}
