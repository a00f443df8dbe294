package io.kairos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.api.ApiApplication;
import io.kairos.testing.TestDatabases;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code Retry-After} as the real API sends it: after too many failed authentications from one
 * address it answers {@code 429} before looking at any key. An API context of its own, with a low
 * limit, because the block holds every client of that address for the window.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=retry-after-operator-key-5d2f8b1e7a4c9e3f6b0a",
      "kairos.api.auth-failures.limit=2",
      "kairos.api.auth-failures.window=1m",
      "kairos.api.wake-up-horizon=0s"
    })
class RetryAfterTests {

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

  @Test
  void tooManyWrongKeysIs429WithRetryAfter() {
    KairosClient guessing =
        KairosClient.builder()
            .baseUri(URI.create("http://127.0.0.1:" + port + "/"))
            .apiKey("a-guessed-key-9f8e7d6c5b4a")
            .timeout(Duration.ofSeconds(10))
            .build();
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> guessing.get("any"))
          .isInstanceOfSatisfying(
              KairosApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.retryAfter()).isEmpty();
              });
    }

    assertThatThrownBy(() -> guessing.get("any"))
        .isInstanceOfSatisfying(
            KairosApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.title()).isEqualTo("Too many requests");
              assertThat(e.retryAfter())
                  .hasValueSatisfying(
                      wait ->
                          assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));
              assertThat(e.properties().get("limit").asText()).isEqualTo("authFailures");
            });
  }
}
