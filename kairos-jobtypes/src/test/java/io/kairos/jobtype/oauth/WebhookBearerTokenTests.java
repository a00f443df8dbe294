package io.kairos.jobtype.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.crypto.EncryptionKey;
import io.kairos.crypto.SecretCipher;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.webhook.WebhookHandler;
import io.kairos.jobtype.webhook.WebhookSigner;
import io.kairos.outbound.OutboundHttp;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.Resolver;
import io.kairos.outbound.SenderDomains;
import io.kairos.schema.KairosSchema;
import io.kairos.serialization.KairosJson;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.TestHttpServer;
import io.kairos.testing.TestHttpServer.Reply;
import io.kairos.testing.TestTokenEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Webhooks that send a stored credential's current access token ({@code auth.oauthCredential}),
 * with the real token endpoint machinery (RFC 6749 over HTTP), a real receiver and PostgreSQL.
 */
class WebhookBearerTokenTests {

  static final String SIGNING_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String CLIENT_SECRET = "cs-bearer-secret-0042";
  static final SecretCipher CIPHER =
      new SecretCipher(
          EncryptionKey.of("k1", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="), List.of());

  static KairosFixture fixture;
  TestTokenEndpoint endpoint;
  TestHttpServer crm;
  SettableClock clock;
  CredentialStore store;
  ManualScheduler scheduler;
  List<String> reauthRequired;
  ListAppender<ILoggingEvent> logs;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(BuiltInJobTypes.WEBHOOK, (p, c) -> {}), 4);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @BeforeEach
  void setUp() {
    endpoint = new TestTokenEndpoint().client("kairos", CLIENT_SECRET);
    crm = TestHttpServer.start();
    clock = new SettableClock();
    clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    OutboundPolicy local =
        new OutboundPolicy(List.of(), true, List.of())
            .withAllowedPorts(List.of(endpoint.uri().getPort(), crm.port()));
    store =
        new CredentialStore(
            fixture.dataSource, KairosSchema.DEFAULT, CIPHER, local, Resolver.SYSTEM, false);
    reauthRequired = new CopyOnWriteArrayList<>();
    AccessTokens tokens =
        new AccessTokens(
            store,
            new TokenEndpointClient(
                new OutboundHttp(Duration.ofSeconds(2), local, Resolver.SYSTEM),
                Duration.ofSeconds(5),
                clock),
            clock,
            Duration.ofMinutes(5),
            reauthRequired::add);
    WebhookHandler webhooks =
        new WebhookHandler(
            new OutboundHttp(Duration.ofSeconds(2), local, Resolver.SYSTEM),
            WebhookSigner.of(SIGNING_SECRET),
            Duration.ofSeconds(5),
            clock,
            tokens);
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(
                    fixture.schedulerDataSource,
                    List.of(
                        fixture
                            .jobTasks(
                                clock,
                                new PersistedBackoff(
                                    Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10)))
                            .task(BuiltInJobTypes.WEBHOOK, webhooks)))
                .clock(clock)
                .serializer(fixture.serializer)
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    endpoint.close();
    crm.close();
  }

  @Test
  void aWebhookCarriesTheCredentialsCurrentTokenRefreshingItFirstOnlyWhenDue() {
    endpoint.refreshToken("rt-crm-initial");
    store.create(credential("crm-a", "rt-crm-initial"));
    // A receiver that echoes the request: the token must not reach history through it.
    crm.otherwise(request -> Reply.of(200, "seen " + request.header("authorization")));

    webhook("push-1", "crm-a");
    scheduler.runAnyDueExecutions();

    // No access token yet: fetched first, then sent.
    assertThat(endpoint.issuedAccessTokens).hasSize(1);
    String first = endpoint.issuedAccessTokens.get(0);
    assertThat(crm.received()).hasSize(1);
    assertThat(crm.received().get(0).header("authorization")).isEqualTo("Bearer " + first);
    assertThat(store.find("crm-a").orElseThrow().accessTokenExpiresAt())
        .isEqualTo(clock.now().plusSeconds(3600));

    clock.tick(Duration.ofMinutes(30)); // still well within the token's hour
    webhook("push-2", "crm-a");
    scheduler.runAnyDueExecutions();

    assertThat(endpoint.grants).as("the stored token is used as it is").hasSize(1);
    assertThat(crm.received().get(1).header("authorization")).isEqualTo("Bearer " + first);

    clock.tick(Duration.ofMinutes(27)); // 3 min before expiry: within the 5 min refresh margin
    webhook("push-3", "crm-a");
    scheduler.runAnyDueExecutions();

    assertThat(endpoint.grants).hasSize(2);
    assertThat(endpoint.grants.get(1).get("refresh_token"))
        .isEqualTo(endpoint.issuedRefreshTokens.get(0));
    String second = endpoint.issuedAccessTokens.get(1);
    assertThat(crm.received().get(2).header("authorization")).isEqualTo("Bearer " + second);
    assertThat(store.find("crm-a").orElseThrow().accessTokenExpiresAt())
        .isEqualTo(clock.now().plusSeconds(3600));
    assertThat(List.of("push-1", "push-2", "push-3"))
        .allMatch(id -> fixture.jobs.find(id).orElseThrow().state() == JobState.COMPLETED);
    assertNoTokenInHistoryOrLogs(List.of("push-1", "push-2", "push-3"));
  }

  @Test
  void aRefusedRefreshFailsTheWebhookPermanentlyUntilTheCredentialIsReauthorised() {
    store.create(credential("crm-b", "rt-revoked-long-ago")); // the endpoint does not know it

    webhook("push-refused", "crm-b");
    scheduler.runAnyDueExecutions();

    assertThat(crm.received()).as("nothing is sent without the token").isEmpty();
    var job = fixture.jobs.find("push-refused").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DEAD);
    assertThat(job.lastError())
        .contains("OAuth credential 'crm-b' needs re-authorisation")
        .contains("invalid_grant");
    assertThat(fixture.runs.runsOf("push-refused", 0, 10)).hasSize(1);
    assertThat(store.find("crm-b").orElseThrow().status())
        .isEqualTo(CredentialStatus.REAUTH_REQUIRED);
    assertThat(reauthRequired).containsExactly("crm-b");

    // While it needs a person, webhooks fail at once, without asking the endpoint again.
    webhook("push-while-refused", "crm-b");
    scheduler.runAnyDueExecutions();
    assertThat(fixture.jobs.find("push-while-refused").orElseThrow().lastError())
        .contains("needs re-authorisation");
    assertThat(endpoint.grants).hasSize(1);

    endpoint.refreshToken("rt-crm-new");
    store.reauthorise("crm-b", "rt-crm-new", null);
    fixture.kairos(clock).deadJobs().requeue("push-refused");
    scheduler.runAnyDueExecutions();

    assertThat(fixture.jobs.find("push-refused").orElseThrow().state())
        .isEqualTo(JobState.COMPLETED);
    assertThat(crm.received().get(0).header("authorization"))
        .isEqualTo("Bearer " + endpoint.issuedAccessTokens.get(0));
  }

  @Test
  void theWorkerSendsNoTokenToATargetTheCredentialIsNotBoundToUntilAnAdminBindsIt() {
    endpoint.refreshToken("rt-bound");
    store.create(credential("crm-bound", "rt-bound"));
    // Bound elsewhere now (an admin's change after the job was created, or a job from before
    // bindings existed): nothing is sent, and no token is even fetched.
    store.rebind(
        "crm-bound", new CredentialBinding(List.of(crm.uri("/other").toString()), List.of()));
    crm.otherwise(request -> Reply.of(200, "ok"));

    webhook("push-unbound", "crm-bound");
    scheduler.runAnyDueExecutions();

    assertThat(crm.received()).isEmpty();
    assertThat(endpoint.grants).isEmpty();
    var job = fixture.jobs.find("push-unbound").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DEAD);
    assertThat(job.lastError())
        .contains("OAuth credential 'crm-bound' may not be sent to " + crm.uri("/api/contacts"))
        .contains("allowedTargets");

    store.rebind(
        "crm-bound", new CredentialBinding(List.of(crm.uri("/api/").toString()), List.of()));
    fixture.kairos(clock).deadJobs().requeue("push-unbound");
    scheduler.runAnyDueExecutions();

    assertThat(fixture.jobs.find("push-unbound").orElseThrow().state())
        .isEqualTo(JobState.COMPLETED);
    assertThat(crm.received().get(0).header("authorization"))
        .isEqualTo("Bearer " + endpoint.issuedAccessTokens.get(0));
  }

  @Test
  void aRedirectToAnotherOriginNeverCarriesTheToken() {
    TestHttpServer elsewhere = TestHttpServer.start();
    try {
      endpoint.refreshToken("rt-redirect");
      store.create(credential("crm-redirect", "rt-redirect"));
      crm.otherwise(
          request -> Reply.of(307, "").with("Location", elsewhere.uri("/collect").toString()));
      elsewhere.otherwise(request -> Reply.of(200, "got it"));
      WebhookHandler webhooks =
          new WebhookHandler(
              new OutboundHttp(
                  Duration.ofSeconds(2),
                  new OutboundPolicy(List.of(), true, List.of())
                      .withAllowedPorts(List.of(crm.port(), elsewhere.port())),
                  Resolver.SYSTEM),
              WebhookSigner.of(SIGNING_SECRET),
              Duration.ofSeconds(5),
              clock,
              (id, target) -> {
                // As the worker's AccessTokens would answer for a credential bound to crm.
                assertThat(target).isEqualTo(crm.uri("/api/contacts"));
                return "at-redirect-secret-77";
              });

      webhooks.handle(
          new io.kairos.jobtype.webhook.WebhookPayload(
              "POST",
              crm.uri("/api/contacts").toString(),
              Map.of("X-Api-Key", "k-redirect-secret-91"),
              null,
              null,
              new io.kairos.jobtype.webhook.WebhookAuth("crm-redirect")),
          new io.kairos.job.JobContext("r", "webhook", clock.now(), 1, false, "n"));

      assertThat(crm.received().get(0).header("authorization"))
          .isEqualTo("Bearer at-redirect-secret-77");
      assertThat(elsewhere.received()).hasSize(1);
      assertThat(elsewhere.received().get(0).header("authorization")).isNull();
      assertThat(elsewhere.received().get(0).header("x-api-key")).isNull();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      elsewhere.close();
    }
  }

  @Test
  void theCatalogueRefusesAnUnknownCredentialAndAnAuthorizationHeaderBesideIt() {
    store.create(credential("crm-c", "rt-c"));
    JobCatalogue catalogue =
        BuiltInJobTypes.catalogue(
            BuiltInJobTypes.all(),
            KairosJson.newObjectMapper(),
            new OutboundPolicy(List.of(), true, List.of()),
            SenderDomains.ANY,
            store::exists);

    catalogue.bind(
        BuiltInJobTypes.WEBHOOK,
        fixture.payload(
            "{\"url\": \"https://crm.example.com/x\", \"auth\": {\"oauthCredential\": \"crm-c\"}}"));
    assertThatThrownBy(
            () ->
                catalogue.bind(
                    BuiltInJobTypes.WEBHOOK,
                    fixture.payload(
                        "{\"url\": \"https://crm.example.com/x\","
                            + " \"auth\": {\"oauthCredential\": \"crm-z\"}}")))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> {
              assertThat(e.field()).isEqualTo("payload.auth.oauthCredential");
              assertThat(e.reason()).contains("crm-z");
            });
    assertThatThrownBy(
            () ->
                catalogue.bind(
                    BuiltInJobTypes.WEBHOOK,
                    fixture.payload(
                        "{\"url\": \"https://crm.example.com/x\", \"headers\":"
                            + " {\"Authorization\": \"Bearer x\"}, \"auth\": {\"oauthCredential\":"
                            + " \"crm-c\"}}")))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> assertThat(e.field()).isEqualTo("payload.headers.Authorization"));
  }

  private void assertNoTokenInHistoryOrLogs(List<String> jobIds) {
    List<String> secrets = new ArrayList<>(endpoint.issuedAccessTokens);
    secrets.addAll(endpoint.issuedRefreshTokens);
    secrets.add(CLIENT_SECRET);
    StringBuilder seen = new StringBuilder();
    for (String id : jobIds) {
      for (JobRun run : fixture.runs.runsOf(id, 0, 10)) {
        seen.append(run).append('\n');
      }
      seen.append(fixture.jobs.find(id).orElseThrow()).append('\n');
    }
    logs.list.forEach(e -> seen.append(e.getFormattedMessage()).append('\n'));
    for (String secret : secrets) {
      assertThat(seen.toString()).doesNotContain(secret);
    }
  }

  private void webhook(String id, String credential) {
    fixture
        .submitter(clock)
        .submit(
            fixture.job(
                id,
                "webhook",
                fixture.payload(
                    "{\"url\": \""
                        + crm.uri("/api/contacts")
                        + "\", \"body\": {\"n\": 1}, \"auth\": {\"oauthCredential\": \""
                        + credential
                        + "\"}}"),
                ScheduleSpec.at(clock.now()),
                3));
  }

  private NewCredential credential(String id, String refreshToken) {
    return new NewCredential(
        id,
        endpoint.uri().toString(),
        GrantType.REFRESH_TOKEN,
        "kairos",
        CLIENT_SECRET,
        ClientAuthentication.CLIENT_SECRET_BASIC,
        refreshToken,
        null,
        "test",
        new CredentialBinding(List.of(crm.uri("/api").toString()), List.of()));
  }
}
