package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dead jobs through the API: webhooks to a local server that answers 404 die with their last error,
 * are listed, requeued (and then succeed) or deleted. Loopback targets are allowed here, on the
 * worker and the API alike.
 */
class DeadJobEndToEndTests {

  static final String SIGNING_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  static KairosUnderTest kairos;
  static HttpServer server;
  static final AtomicInteger flakyCalls = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/gone", exchange -> reply(exchange, 404, "no such hook"));
    server.createContext(
        "/flaky",
        exchange ->
            reply(
                exchange,
                flakyCalls.incrementAndGet() == 1 ? 404 : 200,
                flakyCalls.get() == 1 ? "not yet" : "ok"));
    server.start();
    kairos =
        KairosUnderTest.start(
            List.of(
                "--kairos.webhook.signing-secret=" + SIGNING_SECRET,
                "--kairos.webhook.allow-private-networks=true",
                "--kairos.webhook.allowed-ports=" + server.getAddress().getPort()),
            List.of(
                "--kairos.webhook.allow-private-networks=true",
                "--kairos.webhook.allowed-ports=" + server.getAddress().getPort()));
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws java.io.IOException {
    exchange.getRequestBody().readAllBytes();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @AfterAll
  static void stop() {
    if (kairos != null) {
      kairos.close();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static void createWebhook(String id, String path) throws Exception {
    HttpResponse<String> created =
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"webhook\",\"id\":\""
                + id
                + "\",\"payload\":{\"url\":\""
                + url(path)
                + "\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  @Test
  void aFailedJobDiesIsListedRequeuedAndRunsAgainOrIsDeleted() throws Exception {
    createWebhook("d-flaky", "/flaky");
    createWebhook("d-gone", "/gone");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> kairos.state("d-flaky").equals("DEAD") && kairos.state("d-gone").equals("DEAD"));

    JsonNode dead = kairos.body(kairos.get("/api/v1/dead-jobs/d-flaky"));
    assertThat(dead.get("type").asText()).isEqualTo("webhook");
    assertThat(kairos.job("d-flaky").get("lastFailure").isNull()).isFalse();
    assertThat(kairos.job("d-flaky").get("lastSuccess").isNull()).isTrue();
    assertThat(dead.get("lastError").asText()).contains("404");
    assertThat(dead.get("attempts").asInt()).isEqualTo(1);
    assertThat(dead.get("payload").get("url").asText()).isEqualTo(url("/flaky"));
    assertThat(dead.get("diedAt").isNull()).isFalse();
    assertThat(dead.get("createdBy").asText()).isEqualTo("operator");
    // Each run carries what the attempt reported: here the status and the response's start.
    JsonNode run = kairos.runs("d-gone").get(0);
    assertThat(run.get("outcome").asText()).isEqualTo("FAILED");
    assertThat(run.get("detail").asText()).isEqualTo("HTTP 404: no such hook");

    // Listed, filtered by type, one page at a time; readable with jobs:read.
    JsonNode all =
        kairos.body(kairos.send("GET", "/api/v1/dead-jobs", null, KairosUnderTest.READER_KEY));
    assertThat(all.get("items"))
        .extracting(j -> j.get("id").asText())
        .contains("d-flaky", "d-gone");
    assertThat(kairos.body(kairos.get("/api/v1/dead-jobs?type=noop")).get("items")).isEmpty();
    JsonNode first = kairos.body(kairos.get("/api/v1/dead-jobs?type=webhook&limit=1"));
    assertThat(first.get("items")).hasSize(1);
    assertThat(first.get("items").get(0).get("id").asText()).isEqualTo("d-flaky");
    String cursor = first.get("nextCursor").asText();
    JsonNode second =
        kairos.body(kairos.get("/api/v1/dead-jobs?type=webhook&limit=1&cursor=" + cursor));
    assertThat(second.get("items").get(0).get("id").asText()).isEqualTo("d-gone");
    assertThat(second.get("nextCursor").isNull()).isTrue();
    kairos.assertProblem(kairos.get("/api/v1/dead-jobs?cursor=nonsense!"), 400, "cursor");
    kairos.assertProblem(kairos.get("/api/v1/dead-jobs?limit=0"), 400, "limit");

    // Requeue needs jobs:write.
    kairos.assertProblem(
        kairos.send("POST", "/api/v1/dead-jobs/d-flaky/requeue", null, KairosUnderTest.READER_KEY),
        403,
        null);

    HttpResponse<String> requeued = kairos.post("/api/v1/dead-jobs/d-flaky/requeue", null);
    assertThat(requeued.statusCode()).as(requeued.body()).isEqualTo(200);
    assertThat(kairos.body(requeued).get("nextRunAt").isNull()).isFalse();
    await().atMost(Duration.ofSeconds(30)).until(() -> kairos.state("d-flaky").equals("COMPLETED"));
    assertThat(kairos.runs("d-flaky"))
        .extracting(r -> r.get("outcome").asText())
        .containsExactly("FAILED", "SUCCEEDED");
    assertThat(kairos.job("d-flaky").get("lastSuccess").asText())
        .isEqualTo(kairos.runs("d-flaky").get(1).get("finishedAt").asText());
    assertThat(flakyCalls.get()).isEqualTo(2);
    kairos.assertProblem(kairos.get("/api/v1/dead-jobs/d-flaky"), 404, null);
    kairos.assertProblem(kairos.post("/api/v1/dead-jobs/d-flaky/requeue", null), 409, null);
    kairos.assertProblem(kairos.post("/api/v1/dead-jobs/nobody/requeue", null), 404, null);

    HttpResponse<String> deleted = kairos.delete("/api/v1/dead-jobs/d-gone");
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    kairos.assertProblem(kairos.get("/api/v1/dead-jobs/d-gone"), 404, null);
    kairos.assertProblem(kairos.delete("/api/v1/dead-jobs/d-gone"), 404, null);
    kairos.assertProblem(kairos.get("/api/v1/jobs/d-gone"), 404, null);
    assertThat(kairos.body(kairos.get("/api/v1/dead-jobs")).get("items")).isEmpty();
  }
}
