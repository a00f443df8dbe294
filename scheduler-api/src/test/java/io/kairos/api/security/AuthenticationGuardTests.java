package io.kairos.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.api.ApiApplication;
import io.kairos.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Guessing keys is throttled per client address, and the API refuses to start with an operator key
 * too short to be safe.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=" + AuthenticationGuardTests.KEY,
      "kairos.api.auth-failures.limit=10",
      "kairos.api.auth-failures.window=1m"
    })
class AuthenticationGuardTests {

  static final String KEY = "guard-admin-key-4e7b1d9c3a6f8e2b5d0c7a9f1e4b6d3c";
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
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void tenWrongKeysInAMinuteAndTheAddressIsAnswered429WithRetryAfter() throws Exception {
    assertThat(get(KEY).statusCode()).isEqualTo(200);
    // A request without any key is no guess and does not count.
    for (int i = 0; i < 12; i++) {
      assertThat(get(null).statusCode()).isEqualTo(401);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(get("wrong-key-" + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> throttled = get("wrong-key-10");
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    long retryAfter = Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    // Until the window ends, the address is refused whatever key it presents.
    assertThat(get(KEY).statusCode()).isEqualTo(429);
  }

  @Test
  void failuresCountPerAddressAndTheWindowEnds() {
    AtomicLong now = new AtomicLong();
    AuthFailures failures = new AuthFailures(3, Duration.ofMinutes(1), now::get);
    for (int i = 0; i < 3; i++) {
      assertThat(failures.blockedFor("10.0.0.1")).isZero();
      failures.failed("10.0.0.1");
    }
    assertThat(failures.blockedFor("10.0.0.1")).isEqualTo(60);
    assertThat(failures.blockedFor("10.0.0.2")).isZero();
    now.addAndGet(Duration.ofSeconds(45).toNanos());
    assertThat(failures.blockedFor("10.0.0.1")).isEqualTo(15);
    now.addAndGet(Duration.ofSeconds(15).toNanos());
    assertThat(failures.blockedFor("10.0.0.1")).isZero();
  }

  @Test
  void aShortOperatorKeyStopsStartUpNamingThePropertyAndNotTheKey(CapturedOutput output) {
    assertThatThrownBy(
            () ->
                ApiApplication.application()
                    .run(
                        "--spring.datasource.url=" + database.jdbcUrl(),
                        "--spring.datasource.username=" + database.user(),
                        "--spring.datasource.password="
                            + (database.password() == null ? "" : database.password()),
                        "--server.port=0",
                        "--kairos.api.operator-key=docs-test-key")
                    .close())
        .hasStackTraceContaining("kairos.api.operator-key (KAIROS_API_KEY) is too weak")
        .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("docs-test-key"));
    assertThat(output.getAll()).contains("is too weak").doesNotContain("docs-test-key");
  }

  @Test
  void theEstimateIsLengthTimesTheBitsOfTheAlphabetUsed() {
    assertThat(KeyStrength.estimatedBits("docs-test-key")).isLessThan(128);
    assertThat(KeyStrength.estimatedBits("a".repeat(27))).isLessThan(128); // 26 letters: 4.7 bits
    assertThat(KeyStrength.estimatedBits("a".repeat(28))).isGreaterThanOrEqualTo(128);
    assertThat(KeyStrength.estimatedBits("aB3".repeat(7))).isLessThan(128); // 21 × 5.95
    assertThat(KeyStrength.estimatedBits("aB3".repeat(7) + "x")).isGreaterThan(128); // 22 × 5.95
    assertThat(KeyStrength.estimatedBits("Zq8Lm2Xv9Rt4Wp7Yk3Hn6Js"))
        .isGreaterThan(128); // 23 × 5.95
    assertThat(KeyStrength.estimatedBits("")).isZero();
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }

  private HttpResponse<String> get(String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/nodes"));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
