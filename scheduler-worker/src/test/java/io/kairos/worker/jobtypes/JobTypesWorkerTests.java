package io.kairos.worker.jobtypes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.kairos.core.Kairos;
import io.kairos.crypto.EncryptionKey;
import io.kairos.crypto.SecretCipher;
import io.kairos.job.JobState;
import io.kairos.job.NewJob;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.oauth.CredentialStatus;
import io.kairos.jobtype.oauth.CredentialStore;
import io.kairos.jobtype.oauth.GrantType;
import io.kairos.jobtype.oauth.NewCredential;
import io.kairos.jobtype.oauth.OAuthCredential;
import io.kairos.jobtype.oauth.OAuthTokenRefreshPayload;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.Resolver;
import io.kairos.registry.JobStore;
import io.kairos.schema.KairosSchema;
import io.kairos.serialization.KairosJson;
import io.kairos.testing.TestDatabases;
import io.kairos.testing.TestHttpServer;
import io.kairos.testing.TestHttpServer.Reply;
import io.kairos.testing.TestTokenEndpoint;
import io.kairos.worker.WorkerApplication;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** Workers running e-mail, webhook and OAuth jobs end to end, configured as an operator would. */
@ExtendWith(OutputCaptureExtension.class)
class JobTypesWorkerTests {

  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  TestDatabases.TestDatabase db;
  DataSource dataSource;
  ConfigurableApplicationContext worker;
  GreenMail greenMail;
  TestHttpServer http;

  @BeforeEach
  void database() {
    db = TestDatabases.newDatabase();
    dataSource = db.dataSource(2);
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
    if (greenMail != null) {
      greenMail.stop();
    }
    if (http != null) {
      http.close();
    }
  }

  @Test
  void aReminderEmailScheduledForALocalTimeInANamedZoneArrivesOnce() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    greenMail.start();
    worker =
        start(
            "--kairos.email.host=127.0.0.1",
            "--kairos.email.port=" + port,
            "--kairos.email.security=NONE",
            "--kairos.email.from=Kairos <reminders@example.com>");

    // "Tomorrow's meeting" reminder, due at a wall-clock time in Oslo a few seconds from now.
    ZoneId oslo = ZoneId.of("Europe/Oslo");
    LocalDateTime localDue = LocalDateTime.now(oslo).plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
    Instant due = localDue.atZone(oslo).toInstant();
    submit(
        "reminder-meeting-42",
        "email",
        "{\"to\": [\"ann@example.com\"], \"subject\": \"Reminder: meeting at 18:00\","
            + " \"text\": \"See you there.\"}",
        ScheduleSpec.at(due));

    await().atMost(Duration.ofSeconds(30)).until(() -> greenMail.getReceivedMessages().length == 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> greenMail.getReceivedMessages().length == 1);
    MimeMessage message = greenMail.getReceivedMessages()[0];
    assertThat(message.getSubject()).isEqualTo("Reminder: meeting at 18:00");
    assertThat(message.getMessageID()).endsWith("@example.com>");
    assertThat(message.getSentDate().toInstant()).isAfterOrEqualTo(due.minusSeconds(1));
    JobStore jobs = kairos().jobs();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> jobs.find("reminder-meeting-42").orElseThrow().state() == JobState.COMPLETED);
    var runs = kairos().runs().runsOf("reminder-meeting-42", 0, 10);
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
    assertThat(runs.get(0).scheduledFor()).isEqualTo(due);
  }

  @Test
  void aWebhookRetriedInProcessIsSignedAndCountedInTheRetryMetrics() throws Exception {
    http = TestHttpServer.start();
    http.enqueue(Reply.of(503, "warming up"));
    worker =
        start(
            "--kairos.webhook.signing-secret=" + SECRET,
            "--kairos.webhook.allow-private-networks=true",
            "--kairos.webhook.allowed-ports=" + http.port(),
            "--kairos.worker.retry.types.webhook.initial-wait=50ms",
            "--kairos.worker.retry.types.webhook.jitter=0");

    submit(
        "notify-partner",
        "webhook",
        "{\"url\": \"" + http.uri("/hooks/kairos") + "\", \"body\": {\"event\": \"done\"}}",
        ScheduleSpec.at(Instant.now()));

    await().atMost(Duration.ofSeconds(30)).until(() -> http.received().size() == 2);
    assertThat(http.received())
        .extracting(r -> r.header("idempotency-key"))
        .doesNotContainNull()
        .containsOnly(http.received().get(0).header("webhook-id"));
    assertThat(http.received().get(1).header("webhook-signature")).startsWith("v1,");
    String port = worker.getEnvironment().getProperty("local.server.port");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(get("http://localhost:" + port + "/actuator/prometheus"))
                    .contains(
                        "resilience4j_retry_calls_total{kind=\"successful_with_retry\",name=\"webhook\"} 1.0")
                    .contains("kairos_oauth_credentials{status=\"REAUTH_REQUIRED\"}"));
    var runs = kairos().runs().runsOf("notify-partner", 0, 10);
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).detail()).isEqualTo("HTTP 200: ok (2 tries in process)");
  }

  @Test
  void aCredentialRefreshesItselfAheadOfExpiryAndItsSecretsShowNowhere(CapturedOutput output)
      throws Exception {
    String key = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
    try (TestTokenEndpoint idp = new TestTokenEndpoint()) {
      idp.client("kairos", "cs-worker-secret-42").refreshToken("rt-worker-initial");
      idp.expiresIn = 4; // refreshed halfway through its life: every 2 s
      worker =
          start(
              "--kairos.encryption.key=" + key,
              "--kairos.oauth.require-https=false",
              "--kairos.oauth.allow-private-networks=true",
              "--kairos.oauth.allowed-ports=" + idp.uri().getPort());
      OutboundPolicy local =
          new OutboundPolicy(List.of(), true, List.of())
              .withAllowedPorts(List.of(idp.uri().getPort()));
      CredentialStore credentials =
          new CredentialStore(
              dataSource,
              KairosSchema.DEFAULT,
              new SecretCipher(EncryptionKey.of("k1", key), List.of()),
              local,
              Resolver.SYSTEM,
              false);
      credentials.create(
          new NewCredential(
              "crm",
              idp.uri().toString(),
              GrantType.REFRESH_TOKEN,
              "kairos",
              "cs-worker-secret-42",
              null,
              "rt-worker-initial",
              null,
              "test"));
      submit(
          OAuthTokenRefreshPayload.jobIdFor("crm"),
          "oauth-token-refresh",
          "{\"credentialId\": \"crm\"}",
          ScheduleSpec.at(Instant.now()));

      await().atMost(Duration.ofSeconds(30)).until(() -> idp.grants.size() >= 3);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> credentials.find("crm").orElseThrow().version() >= 4);

      OAuthCredential credential = credentials.find("crm").orElseThrow();
      assertThat(credential.status()).isEqualTo(CredentialStatus.ACTIVE);
      assertThat(credential.accessTokenExpiresAt()).isAfter(Instant.now().minusSeconds(5));
      assertThat(idp.grants)
          .extracting(g -> g.get("refresh_token"))
          .startsWith("rt-worker-initial", idp.issuedRefreshTokens.get(0));
      List<String> secrets = new ArrayList<>(List.of("cs-worker-secret-42", "rt-worker-initial"));
      secrets.addAll(idp.issuedAccessTokens);
      secrets.addAll(idp.issuedRefreshTokens);
      String history =
          String.valueOf(kairos().runs().runsOf(OAuthTokenRefreshPayload.jobIdFor("crm"), 0, 100));
      for (String secret : secrets) {
        assertThat(output.getAll()).doesNotContain(secret);
        assertThat(history).doesNotContain(secret);
        assertThat(credential.toString()).doesNotContain(secret);
      }
    }
  }

  @Test
  void badSettingsStopStartUpNamingTheProperty() {
    assertThatThrownBy(() -> start("--kairos.webhook.signing-secret=hunter2"))
        .hasStackTraceContaining("kairos.webhook.signing-secret must start with 'whsec_'")
        .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("hunter2"));
    assertThatThrownBy(() -> start("--kairos.encryption.key=dG9vIHNob3J0"))
        .hasStackTraceContaining(
            "kairos.encryption.key (KAIROS_ENCRYPTION_KEY): key 'k1' must be 32 bytes");
    assertThatThrownBy(() -> start("--kairos.worker.retry.types.emial.max-attempts=2"))
        .hasStackTraceContaining("kairos.worker.retry.types.emial: not a job type of this worker");
    assertThatThrownBy(
            () ->
                start(
                    "--kairos.worker.retry.types.email.initial-wait=1m",
                    "--kairos.worker.retry.types.email.max-wait=1s"))
        .hasStackTraceContaining(
            "kairos.worker.retry.types.email: max-wait (PT1S) must not be below");
    assertThatThrownBy(() -> start("--kairos.webhook.allowed-networks=10.0.0.0/33"))
        .hasStackTraceContaining("kairos.webhook.allowed-networks");
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }

  private Kairos kairos() {
    return Kairos.builder(dataSource, new DataSourceTransactionManager(dataSource))
        .clock(new SystemClock())
        .build();
  }

  private void submit(String id, String type, String payload, ScheduleSpec schedule)
      throws Exception {
    ObjectMapper json = KairosJson.newObjectMapper();
    kairos()
        .submitter()
        .submit(
            new NewJob(
                id,
                type,
                null,
                json.readTree(payload),
                schedule,
                3,
                0,
                UUID.randomUUID().toString(),
                "test"));
  }

  private ConfigurableApplicationContext start(String... extra) {
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + db.jdbcUrl());
    args.add("--spring.datasource.username=" + db.user());
    args.add("--spring.datasource.password=" + (db.password() == null ? "" : db.password()));
    args.add("--server.port=0");
    args.add("--kairos.housekeeping.enabled=false");
    args.addAll(List.of(extra));
    return WorkerApplication.application().run(args.toArray(String[]::new));
  }

  private static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
