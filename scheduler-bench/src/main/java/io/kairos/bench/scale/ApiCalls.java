package io.kairos.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.bench.cluster.Cluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The REST v1 calls the scale part times, on a running API, as a client makes them: over HTTP with
 * the API key, the whole JSON answer read. Each call checks its answer (status, and a full page
 * where a page is asked for), so a fast error is never timed as a fast answer.
 */
final class ApiCalls {

  static final int PAGE = 100;
  static final int RUNS_PAGE = 50;

  private final Cluster api;
  private final ObjectMapper json = new ObjectMapper();

  ApiCalls(Cluster api) {
    this.api = api;
  }

  /**
   * {@code GET /api/v1/jobs?state=SCHEDULED&limit=100}, after job {@code afterId} (as the cursor
   * the API hands out for a page ending there) or from the first job if null.
   */
  void listPage(String afterId) {
    String cursor =
        afterId == null
            ? ""
            : "&cursor="
                + Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(("job:" + afterId).getBytes(StandardCharsets.UTF_8));
    requireItems(get("/api/v1/jobs?state=SCHEDULED&limit=" + PAGE + cursor), PAGE);
  }

  /** {@code GET /api/v1/jobs/{id}}. */
  void read(String id) {
    JsonNode job = get("/api/v1/jobs/" + id);
    if (!id.equals(job.path("id").asText())) {
      throw new IllegalStateException("GET /api/v1/jobs/" + id + " answered " + job);
    }
  }

  /** {@code GET /api/v1/jobs/{id}/runs?order=newest&limit=50}: the job must have that many. */
  void newestRuns(String id) {
    requireItems(get("/api/v1/jobs/" + id + "/runs?order=newest&limit=" + RUNS_PAGE), RUNS_PAGE);
  }

  /** {@code POST /api/v1/jobs}: a one-time {@code noop} job due at {@code at}. */
  void create(String id, Instant at) {
    String body = "{\"type\":\"noop\",\"id\":\"" + id + "\",\"schedule\":{\"at\":\"" + at + "\"}}";
    send(
        request("/api/v1/jobs")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        201);
  }

  private JsonNode get(String path) {
    return send(request(path).GET().build(), 200);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(api.apiBase().resolve(path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + api.apiKey());
  }

  private JsonNode send(HttpRequest request, int expected) {
    URI uri = request.uri();
    try {
      HttpResponse<String> response =
          api.http().send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new IllegalStateException(
            request.method()
                + " "
                + uri
                + " answered "
                + response.statusCode()
                + ": "
                + response.body());
      }
      return json.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void requireItems(JsonNode page, int expected) {
    int items = page.path("items").size();
    if (items != expected) {
      throw new IllegalStateException(
          "a page of " + items + " items, not the full page of " + expected + " asked for");
    }
  }
}
