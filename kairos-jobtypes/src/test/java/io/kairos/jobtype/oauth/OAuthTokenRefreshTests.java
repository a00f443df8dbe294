package io.kairos.jobtype.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.github.resilience4j.retry.Retry;
import io.kairos.crypto.EncryptionKey;
import io.kairos.crypto.SecretCipher;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobContext;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.job.TransientJobFailure;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.outbound.OutboundHttp;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.Resolver;
import io.kairos.retry.RetryPolicy;
import io.kairos.retry.RetryingHandler;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.TestHttpServer.Reply;
import io.kairos.testing.TestTokenEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * OAuth credentials kept fresh by oauth-token-refresh jobs, against a real token endpoint (RFC 6749
 * over HTTP), on a real PostgreSQL, with the scheduler's clock stepped by hand.
 */
class OAuthTokenRefreshTests {

  static final String CLIENT_SECRET = "cs-very-secret-0001";
  static final SecretCipher CIPHER =
      new SecretCipher(
          EncryptionKey.of("k1", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="), List.of());

  static KairosFixture fixture;
  TestTokenEndpoint endpoint;
  SettableClock clock;
  CredentialStore store;
  OAuthTokenRefreshHandler handler;
  ManualScheduler scheduler;
  List<String> reauthRequired;
  ListAppender<ILoggingEvent> logs;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(BuiltInJobTypes.OAUTH_TOKEN_REFRESH, (p, c) -> {}), 6);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @BeforeEach
  void setUp() {
    endpoint = new TestTokenEndpoint().client("kairos", CLIENT_SECRET);
    clock = new SettableClock();
    clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    OutboundPolicy localAllowed =
        new OutboundPolicy(List.of(), true, List.of())
            .withAllowedPorts(List.of(endpoint.uri().getPort()));
    store =
        new CredentialStore(
            fixture.dataSource, KairosSchema.DEFAULT, CIPHER, localAllowed, Resolver.SYSTEM, false);
    reauthRequired = new CopyOnWriteArrayList<>();
    handler =
        new OAuthTokenRefreshHandler(
            store,
            new TokenEndpointClient(
                new OutboundHttp(Duration.ofSeconds(2), localAllowed, Resolver.SYSTEM),
                Duration.ofSeconds(5),
                clock),
            clock,
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            reauthRequired::add);
    Retry retry =
        Retry.of(
            "oauth-token-refresh",
            new RetryPolicy(3, Duration.ofMillis(10), 2.0, 0.0, Duration.ofSeconds(1))
                .toRetryConfig());
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
                            .task(
                                BuiltInJobTypes.OAUTH_TOKEN_REFRESH,
                                RetryingHandler.decorate(handler, retry))))
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
  }

  @Test
  void aCredentialRefreshesItselfAheadOfExpiryStoringRotatedTokensOnlyEncrypted() {
    endpoint.refreshToken("rt-initial");
    store.create(refreshTokenCredential("crm", "rt-initial"));
    submitRefreshJob("crm");

    scheduler.runAnyDueExecutions();
    for (int i = 0; i < 2; i++) {
      OAuthCredential now = store.find("crm").orElseThrow();
      // Expiry (1 h) minus the 5 min margin.
      assertThat(fixture.jobs.find("oauth-refresh:crm").orElseThrow().nextRunAt())
          .isEqualTo(now.accessTokenExpiresAt().minus(Duration.ofMinutes(5)));
      scheduler.tick(Duration.ofMinutes(55));
      scheduler.runAnyDueExecutions();
    }

    assertThat(endpoint.grants)
        .extracting(g -> g.get("grant_type"), g -> g.get("refresh_token"))
        .containsExactly(
            tuple("refresh_token", "rt-initial"),
            tuple("refresh_token", endpoint.issuedRefreshTokens.get(0)),
            tuple("refresh_token", endpoint.issuedRefreshTokens.get(1)));
    OAuthCredential credential = store.find("crm").orElseThrow();
    assertThat(credential.status()).isEqualTo(CredentialStatus.ACTIVE);
    assertThat(credential.version()).isEqualTo(4);
    assertThat(credential.accessTokenExpiresAt()).isEqualTo(clock.now().plus(Duration.ofHours(1)));
    StoredCredential opened = store.findForRefresh("crm").orElseThrow();
    assertThat(opened.refreshToken()).isEqualTo(endpoint.issuedRefreshTokens.get(2));
    assertThat(opened.accessToken()).isEqualTo(endpoint.issuedAccessTokens.get(2));
    assertThat(runs("oauth-refresh:crm"))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.SUCCEEDED, RunOutcome.SUCCEEDED, RunOutcome.SUCCEEDED);
    assertThat(fixture.jobs.find("oauth-refresh:crm").orElseThrow().state())
        .isEqualTo(JobState.SCHEDULED);

    // At rest, every secret is sealed; none is readable in the table, the history or the logs.
    Map<String, Object> row =
        fixture.jdbc.queryForMap(
            KairosSchema.DEFAULT.sql(
                "select client_secret, refresh_token, access_token from kairos_oauth_credential"
                    + " where id = 'crm'"));
    assertThat(row.values()).allSatisfy(v -> assertThat((String) v).startsWith("v1:k1:"));
    List<String> secrets = new ArrayList<>(List.of(CLIENT_SECRET, "rt-initial"));
    secrets.addAll(endpoint.issuedAccessTokens);
    secrets.addAll(endpoint.issuedRefreshTokens);
    String everything =
        row.values()
            + String.valueOf(
                fixture.jdbc.queryForList(
                    KairosSchema.DEFAULT.sql("select * from kairos_oauth_credential")))
            + fixture.jdbc.queryForList(KairosSchema.DEFAULT.sql("select * from kairos_job_run"))
            + store.list(null, 10)
            + logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    for (String secret : secrets) {
      assertThat(everything).doesNotContain(secret);
    }
  }

  @Test
  void aClientCredentialsCredentialGetsItsTokenWithTheSecretInTheBody() {
    store.create(
        new NewCredential(
            "reports",
            endpoint.uri().toString(),
            GrantType.CLIENT_CREDENTIALS,
            "kairos",
            CLIENT_SECRET,
            ClientAuthentication.CLIENT_SECRET_POST,
            null,
            "reports:read reports:write",
            "test"));
    submitRefreshJob("reports");

    scheduler.runAnyDueExecutions();

    assertThat(endpoint.grants)
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.get("grant_type")).isEqualTo("client_credentials");
              assertThat(g.get("client_id")).isEqualTo("kairos");
              assertThat(g.get("client_secret")).isEqualTo(CLIENT_SECRET);
              assertThat(g.get("scope")).isEqualTo("reports:read reports:write");
            });
    OAuthCredential credential = store.find("reports").orElseThrow();
    assertThat(credential.hasAccessToken()).isTrue();
    assertThat(credential.hasRefreshToken()).isFalse();
    assertThat(runs("oauth-refresh:reports").get(0).detail())
        .startsWith("refreshed with client_credentials; access token valid until");
  }

  @Test
  void invalidGrantMarksTheCredentialReauthRequiredAndTheJobDead() {
    store.create(refreshTokenCredential("revoked", "rt-revoked-by-the-user"));
    submitRefreshJob("revoked");

    scheduler.runAnyDueExecutions();

    OAuthCredential credential = store.find("revoked").orElseThrow();
    assertThat(credential.status()).isEqualTo(CredentialStatus.REAUTH_REQUIRED);
    assertThat(credential.statusReason())
        .contains("invalid_grant: refresh token is invalid or was already used");
    assertThat(reauthRequired).containsExactly("revoked");
    assertThat(store.countByStatus()).containsEntry(CredentialStatus.REAUTH_REQUIRED, 1L);
    var job = fixture.jobs.find("oauth-refresh:revoked").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DEAD);
    assertThat(job.lastError()).contains("needs re-authorisation").contains("invalid_grant");
    assertThat(endpoint.grants).hasSize(1);

    // Authorised again by a person, and requeued, it refreshes.
    endpoint.refreshToken("rt-from-a-new-consent");
    store.reauthorise("revoked", "rt-from-a-new-consent", null);
    fixture.kairos(clock).deadJobs().requeue("oauth-refresh:revoked");
    scheduler.runAnyDueExecutions();
    assertThat(store.find("revoked").orElseThrow().status()).isEqualTo(CredentialStatus.ACTIVE);
    assertThat(store.find("revoked").orElseThrow().hasAccessToken()).isTrue();
  }

  @Test
  void a429WithRetryAfterIsHonouredByThePersistedTier() {
    endpoint.refreshToken("rt-throttled");
    endpoint.server.enqueue(
        TestTokenEndpoint.error(429, "slow_down", "too many requests").with("Retry-After", "90"));
    store.create(refreshTokenCredential("throttled", "rt-throttled"));
    submitRefreshJob("throttled");

    scheduler.runAnyDueExecutions();

    assertThat(endpoint.server.received()).hasSize(1);
    assertThat(fixture.jobs.find("oauth-refresh:throttled").orElseThrow().nextRunAt())
        .isEqualTo(clock.now().plusSeconds(90));
    assertThat(runs("oauth-refresh:throttled").get(0).error())
        .isEqualTo(
            "TransientJobFailure: token endpoint answered HTTP 429: slow_down: too many requests");

    scheduler.tick(Duration.ofSeconds(90));
    scheduler.runAnyDueExecutions();

    assertThat(store.find("throttled").orElseThrow().version()).isEqualTo(2);
    assertThat(runs("oauth-refresh:throttled"))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.FAILED, RunOutcome.SUCCEEDED);
  }

  @Test
  void a5xxIsRetriedInProcess() {
    endpoint.refreshToken("rt-5xx");
    endpoint.server.enqueue(Reply.of(503, "maintenance"));
    store.create(refreshTokenCredential("flaky-idp", "rt-5xx"));
    submitRefreshJob("flaky-idp");

    scheduler.runAnyDueExecutions();

    assertThat(runs("oauth-refresh:flaky-idp"))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.SUCCEEDED);
    assertThat(store.find("flaky-idp").orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void aSecondRefreshWhileOneIsUnderWayWaitsInsteadOfSpendingTheRefreshToken() throws Exception {
    endpoint.refreshToken("rt-busy");
    store.create(refreshTokenCredential("busy", "rt-busy"));
    endpoint.hold = new CountDownLatch(2);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<String> first = pool.submit(() -> refreshOnce("busy", "w1"));
      await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.grants.size() == 1);

      assertThatThrownBy(() -> refreshOnce("busy", "w2"))
          .isInstanceOf(TransientJobFailure.class)
          .hasMessage("another refresh of credential 'busy' is under way")
          .satisfies(
              e ->
                  assertThat(((TransientJobFailure) e).retryAfter())
                      .hasValue(Duration.ofSeconds(15)));

      endpoint.hold.countDown();
      assertThat(first.get()).startsWith("refreshed");
    } finally {
      pool.shutdownNow();
    }
    assertThat(endpoint.grants).hasSize(1);
    assertThat(store.find("busy").orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void ofTwoRefreshesOfOneCredentialRacingToStoreExactlyOneStores() throws Exception {
    // The first refresh stalls at the endpoint past its claim, so a second one starts too; the
    // endpoint (without reuse detection) answers both only once both are in flight.
    endpoint.refreshToken("rt-raced");
    endpoint.revokeUsed = false;
    store.create(refreshTokenCredential("raced", "rt-raced"));
    endpoint.hold = new CountDownLatch(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<String> outcomes = new ArrayList<>();
    try {
      Future<String> stalled = pool.submit(() -> refreshOnce("raced", "w1"));
      await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.grants.size() == 1);
      clock.set(clock.now().plusSeconds(20)); // past the first one's claim
      Future<String> second = pool.submit(() -> refreshOnce("raced", "w2"));
      outcomes.add(stalled.get());
      outcomes.add(second.get());
    } finally {
      pool.shutdownNow();
    }

    assertThat(endpoint.grants).hasSize(2);
    assertThat(store.find("raced").orElseThrow().version()).isEqualTo(2);
    assertThat(outcomes).filteredOn(o -> o.startsWith("refreshed")).hasSize(1);
    assertThat(outcomes)
        .filteredOn(o -> !o.startsWith("refreshed"))
        .containsExactly(
            "credential 'raced' was changed by someone else meanwhile; these tokens were not"
                + " stored");
    assertThat(endpoint.issuedAccessTokens)
        .hasSize(2)
        .contains(store.findForRefresh("raced").orElseThrow().accessToken());
  }

  private String refreshOnce(String credentialId, String node) throws Exception {
    JobContext context =
        new JobContext(
            OAuthTokenRefreshPayload.jobIdFor(credentialId),
            "oauth-token-refresh",
            clock.now(),
            1,
            false,
            node);
    handler.handle(new OAuthTokenRefreshPayload(credentialId), context);
    return context.reported();
  }

  @Test
  void twoStoresAtTheSameVersionCannotBothSucceed() throws Exception {
    endpoint.refreshToken("rt-cas");
    store.create(refreshTokenCredential("cas", "rt-cas"));
    long version = store.find("cas").orElseThrow().version();
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Boolean> stored = new ArrayList<>();
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (String token : List.of("at-a", "at-b")) {
        results.add(
            pool.submit(
                () -> {
                  together.await();
                  return store.storeRefreshed(
                      "cas",
                      version,
                      new TokenResponse(token, "Bearer", Duration.ofHours(1), null, null),
                      clock.now(),
                      clock.now().plus(Duration.ofHours(1)));
                }));
      }
      for (Future<Boolean> r : results) {
        stored.add(r.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(stored).containsExactlyInAnyOrder(true, false);
    assertThat(store.find("cas").orElseThrow().version()).isEqualTo(version + 1);
  }

  @Test
  void aRunBeforeTheTokenIsDueRefreshesNothingAndWaitsForItsTime() throws Exception {
    endpoint.refreshToken("rt-fresh");
    store.create(refreshTokenCredential("fresh", "rt-fresh"));
    handler.handle(
        new OAuthTokenRefreshPayload("fresh"),
        new JobContext("oauth-refresh:fresh", "oauth-token-refresh", clock.now(), 1, false, "w"));
    // A re-run of the same occurrence (its worker died after storing) finds the token fresh.
    JobContext rerun =
        new JobContext("oauth-refresh:fresh", "oauth-token-refresh", clock.now(), 2, true, "w2");
    handler.handle(new OAuthTokenRefreshPayload("fresh"), rerun);

    assertThat(endpoint.grants).hasSize(1);
    assertThat(rerun.reported()).contains("not due before");
    assertThat(rerun.requestedNextRun())
        .isEqualTo(clock.now().plus(Duration.ofHours(1)).minus(Duration.ofMinutes(5)));
  }

  @Test
  void aShortLivedTokenIsRefreshedHalfwayThroughItsLife() throws Exception {
    endpoint.refreshToken("rt-short");
    endpoint.expiresIn = 120;
    store.create(refreshTokenCredential("short", "rt-short"));
    JobContext context =
        new JobContext("oauth-refresh:short", "oauth-token-refresh", clock.now(), 1, false, "w");
    handler.handle(new OAuthTokenRefreshPayload("short"), context);

    assertThat(context.requestedNextRun()).isEqualTo(clock.now().plusSeconds(60));
  }

  @Test
  void theJobOfADeletedCredentialEnds() {
    endpoint.refreshToken("rt-deleted");
    store.create(refreshTokenCredential("short-lived", "rt-deleted"));
    submitRefreshJob("short-lived");
    assertThat(store.delete("short-lived")).isTrue();

    scheduler.runAnyDueExecutions();

    assertThat(fixture.jobs.find("oauth-refresh:short-lived").orElseThrow().state())
        .isEqualTo(JobState.COMPLETED);
    assertThat(runs("oauth-refresh:short-lived").get(0).detail())
        .isEqualTo("credential 'short-lived' no longer exists; nothing to refresh");
    assertThat(endpoint.grants).isEmpty();
  }

  @Test
  void credentialsAreRefusedWhenTheirEndpointOrSecretsAreWrong() {
    CredentialStore strict =
        new CredentialStore(
            fixture.dataSource,
            KairosSchema.DEFAULT,
            CIPHER,
            OutboundPolicy.PUBLIC_ONLY,
            Resolver.SYSTEM,
            true);
    assertThatThrownBy(() -> strict.create(refreshTokenCredential("private", "rt")))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageStartingWith("tokenEndpoint must be an https URL");
    assertThatThrownBy(
            () ->
                strict.create(
                    new NewCredential(
                        "private",
                        "https://127.0.0.1/token",
                        GrantType.REFRESH_TOKEN,
                        "kairos",
                        CLIENT_SECRET,
                        null,
                        "rt",
                        null,
                        "test")))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("private, loopback or link-local");
    assertThatThrownBy(
            () ->
                new NewCredential(
                    "x",
                    "https://idp.example.com/token",
                    GrantType.REFRESH_TOKEN,
                    "kairos",
                    CLIENT_SECRET,
                    null,
                    null,
                    null,
                    "test"))
        .isInstanceOf(InvalidJobException.class)
        .hasMessage("refreshToken is required for the refresh_token grant");
    store.create(refreshTokenCredential("taken", "rt"));
    assertThatThrownBy(() -> store.create(refreshTokenCredential("taken", "rt")))
        .isInstanceOf(CredentialStore.CredentialConflict.class);
    assertThat(refreshTokenCredential("shown", "rt-visible?").toString())
        .doesNotContain("rt-visible?")
        .doesNotContain(CLIENT_SECRET);
  }

  private NewCredential refreshTokenCredential(String id, String refreshToken) {
    return new NewCredential(
        id,
        endpoint.uri().toString(),
        GrantType.REFRESH_TOKEN,
        "kairos",
        CLIENT_SECRET,
        ClientAuthentication.CLIENT_SECRET_BASIC,
        refreshToken,
        null,
        "test");
  }

  private void submitRefreshJob(String credentialId) {
    fixture
        .submitter(clock)
        .submit(
            fixture.job(
                OAuthTokenRefreshPayload.jobIdFor(credentialId),
                "oauth-token-refresh",
                fixture.payload("{\"credentialId\": \"" + credentialId + "\"}"),
                ScheduleSpec.at(clock.now()),
                3));
  }

  private List<JobRun> runs(String id) {
    return fixture.runs.runsOf(id, 0, 10);
  }
}
