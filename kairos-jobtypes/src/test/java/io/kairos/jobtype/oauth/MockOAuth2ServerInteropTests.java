package io.kairos.jobtype.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.kairos.crypto.EncryptionKey;
import io.kairos.crypto.SecretCipher;
import io.kairos.job.JobContext;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.outbound.OutboundHttp;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.Resolver;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The refresh job against an independent OAuth2 server implementation (mock-oauth2-server). */
class MockOAuth2ServerInteropTests {

  static KairosFixture fixture;
  static MockOAuth2Server idp;

  @BeforeAll
  static void start() {
    fixture = new KairosFixture(Map.of(BuiltInJobTypes.OAUTH_TOKEN_REFRESH, (p, c) -> {}), 2);
    idp = new MockOAuth2Server();
    idp.start();
  }

  @AfterAll
  static void stop() {
    idp.shutdown();
    fixture.close();
  }

  @Test
  void aClientCredentialsCredentialIsRefreshedByARealAuthorisationServer() throws Exception {
    SettableClock clock = new SettableClock();
    clock.set(Instant.now());
    OutboundPolicy local =
        new OutboundPolicy(List.of(), true, List.of())
            .withAllowedPorts(List.of(idp.url("/").port()));
    SecretCipher cipher =
        new SecretCipher(
            EncryptionKey.of("k1", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="), List.of());
    CredentialStore store =
        new CredentialStore(
            fixture.dataSource, KairosSchema.DEFAULT, cipher, local, Resolver.SYSTEM, false);
    OAuthTokenRefreshHandler handler =
        new OAuthTokenRefreshHandler(
            store,
            new TokenEndpointClient(
                new OutboundHttp(Duration.ofSeconds(5), local, Resolver.SYSTEM),
                Duration.ofSeconds(10),
                clock),
            clock,
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            id -> {});
    store.create(
        new NewCredential(
            "partner-api",
            idp.tokenEndpointUrl("partner").toString(),
            GrantType.CLIENT_CREDENTIALS,
            "kairos-client",
            "kairos-client-secret",
            ClientAuthentication.CLIENT_SECRET_BASIC,
            null,
            "partner-api",
            "test"));

    JobContext context =
        new JobContext(
            "oauth-refresh:partner-api", "oauth-token-refresh", clock.now(), 1, false, "w");
    handler.handle(new OAuthTokenRefreshPayload("partner-api"), context);

    assertThat(context.reported()).startsWith("refreshed with client_credentials");
    StoredCredential stored = store.findForRefresh("partner-api").orElseThrow();
    // mock-oauth2-server issues signed JWTs: three base64url parts.
    assertThat(stored.accessToken().split("\\.")).hasSize(3);
    assertThat(stored.expiresAt()).isAfter(clock.now());
    assertThat(context.requestedNextRun()).isBefore(stored.expiresAt());
  }
}
