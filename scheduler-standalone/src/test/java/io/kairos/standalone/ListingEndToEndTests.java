package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Listing jobs page by page, nodes and job types. */
class ListingEndToEndTests {

  static final int JOBS = 5_000;
  static KairosUnderTest kairos;

  @BeforeAll
  static void start() {
    kairos = KairosUnderTest.start();
  }

  @AfterAll
  static void stop() {
    kairos.close();
  }

  @Test
  void pagingThroughFiveThousandJobsSeesEachExactlyOnceInIdOrder() throws Exception {
    Semaphore inFlight = new Semaphore(8);
    List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      String body =
          "{\"type\":\"noop\",\"id\":\"bulk-"
              + i
              + "\",\"group\":\"bulk\",\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}";
      inFlight.acquire();
      posts.add(
          kairos
              .http
              .sendAsync(
                  HttpRequest.newBuilder(URI.create(kairos.base + "/api/v1/jobs"))
                      .header("Content-Type", "application/json")
                      .header("Authorization", "Bearer " + KairosUnderTest.OPERATOR_KEY)
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .whenComplete((r, e) -> inFlight.release()));
    }
    for (CompletableFuture<HttpResponse<String>> post : posts) {
      assertThat(post.join().statusCode()).isEqualTo(201);
    }
    create(
        "{\"type\":\"noop\",\"id\":\"not-bulk\",\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}");

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String path =
          "/api/v1/jobs?group=bulk&state=SCHEDULED&limit=500"
              + (cursor == null
                  ? ""
                  : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      JsonNode page = kairos.body(kairos.get(path));
      page.get("items").forEach(job -> seen.add(job.get("id").asText()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
      pages++;
    } while (cursor != null && pages < 20);

    assertThat(pages).isEqualTo(10);
    assertThat(seen).hasSize(JOBS).doesNotHaveDuplicates().isSorted();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < JOBS; i++) {
      expected.add("bulk-" + i);
    }
    assertThat(new HashSet<>(seen)).isEqualTo(expected);
    assertThat(kairos.body(kairos.get("/api/v1/jobs?type=log")).get("items")).isEmpty();
    JsonNode defaultPage = kairos.body(kairos.get("/api/v1/jobs"));
    assertThat(defaultPage.get("items")).hasSize(50);
    assertThat(defaultPage.get("nextCursor").isNull()).isFalse();
  }

  @Test
  void theNodesListShowsTheRunningWorker() throws Exception {
    JsonNode nodes = kairos.body(kairos.get("/api/v1/nodes"));
    JsonNode worker = null;
    for (JsonNode node : nodes) {
      if (node.get("name").asText().equals(KairosUnderTest.WORKER)) {
        worker = node;
      }
    }
    assertThat(worker).as(nodes.toString()).isNotNull();
    assertThat(worker.get("state").asText()).isEqualTo("ALIVE");
    assertThat(worker.get("stateSince").isNull()).isFalse();
    assertThat(worker.get("startedAt").isNull()).isFalse();
    assertThat(worker.get("lastSeen").isNull()).isFalse();
    assertThat(worker.get("runningExecutions").isInt()).isTrue();
  }

  @Test
  void theJobTypesListGivesEachPayloadsJsonSchema() throws Exception {
    JsonNode types = kairos.body(kairos.get("/api/v1/job-types"));
    // Every type the API accepts; the operators-only `retention` is not among them.
    assertThat(types)
        .extracting(t -> t.get("name").asText())
        .containsExactly("noop", "log", "email", "webhook", "oauth-token-refresh");
    JsonNode log = types.get(1).get("payloadSchema");
    JsonNode webhook = types.get(3).get("payloadSchema");
    assertThat(webhook.at("/properties/url/type").asText()).isEqualTo("string");
    assertThat(log.at("/properties/message/type").asText()).isEqualTo("string");
    assertThat(log.at("/required/0").asText()).isEqualTo("message");
    assertThat(log.get("additionalProperties").asBoolean()).isFalse();
  }

  private void create(String body) throws Exception {
    assertThat(kairos.post("/api/v1/jobs", body).statusCode()).isEqualTo(201);
  }
}
