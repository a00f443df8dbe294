package io.kairos.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.testing.TestHttpServer;
import io.kairos.testing.TestHttpServer.Reply;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Outbound requests against real local HTTP servers. */
class OutboundHttpTests {

  TestHttpServer server;
  TestHttpServer other;

  @BeforeEach
  void start() {
    server = TestHttpServer.start();
    other = TestHttpServer.start();
  }

  @AfterEach
  void stop() {
    server.close();
    other.close();
  }

  /** Loopback allowed (the test servers), nothing else private; the servers' ports allowed. */
  OutboundPolicy policy() {
    return new OutboundPolicy(List.of(), false, List.of(Cidr.parse("127.0.0.1/32")))
        .withAllowedPorts(List.of(server.port(), other.port()));
  }

  static OutboundHttp.Request get(String url, Map<String, String> headers) {
    return new OutboundHttp.Request("GET", URI.create(url), headers, null, Duration.ofSeconds(5));
  }

  @Test
  void theConnectionGoesToTheAddressThatWasCheckedWithoutASecondLookUp() throws Exception {
    // A rebinding DNS: the checked answer first, a private address on any later look-up.
    AtomicInteger lookUps = new AtomicInteger();
    List<String> asked = new CopyOnWriteArrayList<>();
    Resolver rebinding =
        host -> {
          asked.add(host);
          return List.of(
              InetAddress.getByName(lookUps.incrementAndGet() == 1 ? "127.0.0.1" : "10.66.0.1"));
        };
    OutboundHttp http = new OutboundHttp(Duration.ofSeconds(2), policy(), rebinding);

    OutboundHttp.Response response =
        http.send(get("http://hooks.example.test:" + server.port() + "/x", Map.of()), 0, 100);

    assertThat(response.status()).isEqualTo(200);
    assertThat(lookUps).hasValue(1);
    assertThat(asked).containsExactly("hooks.example.test");
    // The request names the original host: virtual hosting (and TLS SNI) see the name, not the IP.
    assertThat(server.received().get(0).header("host"))
        .isEqualTo("hooks.example.test:" + server.port());
  }

  @Test
  void eachRedirectHopIsLookedUpOnceAndChecked() throws Exception {
    AtomicInteger lookUps = new AtomicInteger();
    Resolver dns =
        host -> {
          lookUps.incrementAndGet();
          return List.of(InetAddress.getByName("127.0.0.1"));
        };
    server.enqueue(Reply.of(302, "").with("Location", "/moved"));
    OutboundHttp http = new OutboundHttp(Duration.ofSeconds(2), policy(), dns);

    OutboundHttp.Response response =
        http.send(get("http://a.example.test:" + server.port() + "/x", Map.of()), 3, 100);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.redirects()).isEqualTo(1);
    assertThat(lookUps).hasValue(2);
  }

  @Test
  void aRedirectToAnotherOriginDropsEveryHeaderThatMayAuthenticate() throws Exception {
    server.enqueue(Reply.of(307, "").with("Location", other.uri("/elsewhere").toString()));
    server.enqueue(Reply.of(308, "").with("Location", "/same-origin"));
    Map<String, String> headers =
        Map.of(
            "Authorization", "Bearer secret-token",
            "Cookie", "session=s3cr3t",
            "webhook-signature", "v1,abc",
            "webhook-id", "job@1",
            "webhook-timestamp", "1",
            "X-Api-Key", "k-secret-api-key",
            "X-Tenant", "acme",
            "User-Agent", "Kairos-Test");
    OutboundHttp http = new OutboundHttp(Duration.ofSeconds(2), policy(), Resolver.SYSTEM);

    http.send(get(server.uri("/start").toString(), headers), 5, 100);
    http.send(get(server.uri("/start").toString(), headers), 5, 100);

    TestHttpServer.Received moved = other.received().get(0);
    assertThat(moved.uri().getPath()).isEqualTo("/elsewhere");
    assertThat(moved.header("authorization")).isNull();
    assertThat(moved.header("cookie")).isNull();
    assertThat(moved.header("webhook-signature")).isNull();
    assertThat(moved.header("webhook-id")).isNull();
    // Any header may be a credential under its own name (X-Api-Key): none goes on.
    assertThat(moved.header("x-api-key")).isNull();
    assertThat(moved.header("x-tenant")).isNull();
    assertThat(moved.header("user-agent")).isEqualTo("Kairos-Test");
    // On the same origin they stay.
    TestHttpServer.Received same = server.received().get(2);
    assertThat(same.uri().getPath()).isEqualTo("/same-origin");
    assertThat(same.header("authorization")).isEqualTo("Bearer secret-token");
    assertThat(same.header("webhook-signature")).isEqualTo("v1,abc");
    assertThat(same.header("x-api-key")).isEqualTo("k-secret-api-key");
  }

  @Test
  void anEndlessBodyIsReadOnlyUpToTheBoundAndTheConnectionDropped() throws Exception {
    java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    try (java.net.ServerSocket endless =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread sender =
          new Thread(
              () -> {
                try (java.net.Socket socket = endless.accept()) {
                  java.io.InputStream in = socket.getInputStream();
                  int last4 = 0;
                  while (last4 != 0x0d0a0d0a) { // the request's head, to its blank line
                    int b = in.read();
                    if (b < 0) {
                      return;
                    }
                    last4 = (last4 << 8) | b;
                  }
                  java.io.OutputStream out = socket.getOutputStream();
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                              + "Content-Length: 1073741824\r\n\r\n")
                          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                  byte[] chunk = new byte[64 * 1024];
                  java.util.Arrays.fill(chunk, (byte) 'x');
                  for (long sent = 0; sent < 1L << 30; sent += chunk.length) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                  }
                } catch (java.io.IOException e) {
                  // the client hung up: what this test wants
                }
              });
      sender.start();
      OutboundPolicy loopback =
          new OutboundPolicy(List.of(), false, List.of(Cidr.parse("127.0.0.1/32")))
              .withAllowedPorts(List.of(endless.getLocalPort()));
      OutboundHttp http = new OutboundHttp(Duration.ofSeconds(2), loopback, Resolver.SYSTEM);

      OutboundHttp.Response response =
          http.send(
              new OutboundHttp.Request(
                  "GET",
                  URI.create("http://127.0.0.1:" + endless.getLocalPort() + "/big"),
                  Map.of(),
                  null,
                  Duration.ofSeconds(30)),
              0,
              2000);
      sender.join(30_000);

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).hasSize(2000);
      assertThat(response.truncated()).isTrue();
      // A gigabyte was offered; what went out before the client hung up is socket buffers.
      assertThat(sender.isAlive()).isFalse();
      assertThat(written.get()).isLessThan(64L * 1024 * 1024);
    }
  }

  @Test
  void onlyPorts80And443AndTheConfiguredOnesAreAllowed() throws Exception {
    OutboundPolicy standard = new OutboundPolicy(List.of(), true, List.of());
    assertThatThrownBy(() -> standard.check(URI.create("http://127.0.0.1:" + server.port() + "/")))
        .isInstanceOf(OutboundRefused.class)
        .hasMessage("port " + server.port() + " is not allowed (allowed: 80, 443)");
    standard.check(URI.create("http://127.0.0.1:80/"));
    standard.check(URI.create("https://127.0.0.1:443/"));
    standard.check(URI.create("http://127.0.0.1/"));

    // A redirect to a port that is not allowed is not followed.
    OutboundPolicy onePort = standard.withAllowedPorts(List.of(server.port()));
    server.enqueue(Reply.of(302, "").with("Location", other.uri("/x").toString()));
    OutboundHttp http = new OutboundHttp(Duration.ofSeconds(2), onePort, Resolver.SYSTEM);
    assertThatThrownBy(() -> http.send(get(server.uri("/").toString(), Map.of()), 5, 100))
        .isInstanceOf(OutboundRefused.class)
        .hasMessageContaining("redirect to " + other.uri("/x") + " refused: port " + other.port());
    assertThat(other.received()).isEmpty();

    assertThatThrownBy(() -> OutboundPolicy.of(List.of(), false, List.of(), List.of(0)))
        .hasMessageStartingWith("allowed-ports: '0' is not a port");
  }

  @Test
  void zoneIdsAndPlainHttpWhereHttpsIsRequiredAreRefused() {
    OutboundPolicy open = new OutboundPolicy(List.of(), true, List.of());
    assertThatThrownBy(() -> open.check(URI.create("http://[fe80::1%25eth0]/")))
        .isInstanceOf(OutboundRefused.class)
        .hasMessage("must not carry an IPv6 zone id");
    assertThatThrownBy(
            () -> open.withRequireHttps(true).check(URI.create("http://login.example.com/token")))
        .isInstanceOf(OutboundRefused.class)
        .hasMessage("must be an https URL");

    OutboundHttp http =
        new OutboundHttp(Duration.ofSeconds(2), policy().withRequireHttps(true), Resolver.SYSTEM);
    assertThatThrownBy(() -> http.send(get(server.uri("/token").toString(), Map.of()), 0, 100))
        .isInstanceOf(OutboundRefused.class)
        .hasMessage("must be an https URL");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void aSlowServerTimesOutAndAnInterruptAbortsTheRequestAtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.otherwise(
        request -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Reply.of(200, "late");
        });
    OutboundHttp http = new OutboundHttp(Duration.ofSeconds(2), policy(), Resolver.SYSTEM);
    try {
      long started = System.nanoTime();
      assertThatThrownBy(
              () ->
                  http.send(
                      new OutboundHttp.Request(
                          "GET", server.uri("/slow"), Map.of(), null, Duration.ofMillis(300)),
                      0,
                      100))
          .isInstanceOf(HttpTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));

      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread caller =
          new Thread(
              () -> {
                try {
                  http.send(get(server.uri("/slow").toString(), Map.of()), 0, 100);
                  outcome.complete(null);
                } catch (Throwable t) {
                  outcome.complete(t);
                }
              });
      caller.start();
      Thread.sleep(300);
      long interrupted = System.nanoTime();
      caller.interrupt();
      assertThat(outcome.get(3, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - interrupted))
          .isLessThan(Duration.ofSeconds(1));
    } finally {
      release.countDown();
    }
  }

  @Test
  void senderDomainsAllowOnlyTheListedDomains() throws Exception {
    SenderDomains senders = new SenderDomains(List.of("Example.com", "mail.example.org"));
    senders.check("Ann <ann@example.com>");
    senders.check("bob@MAIL.example.org");
    senders.check(null);
    assertThatThrownBy(() -> senders.check("ceo@evil.com"))
        .isInstanceOf(OutboundRefused.class)
        .hasMessage(
            "sender domain 'evil.com' is not allowed (allowed: example.com, mail.example.org)");
    assertThatThrownBy(() -> senders.check("x@sub.example.com"))
        .hasMessageContaining("'sub.example.com' is not allowed");
    SenderDomains.ANY.check("anyone@anywhere.net");
    assertThatThrownBy(() -> new SenderDomains(List.of("*@x.com")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
