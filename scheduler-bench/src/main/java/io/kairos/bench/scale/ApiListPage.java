package io.kairos.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.bench.cluster.Cluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code GET /api/v1/jobs?state=SCHEDULED&limit=100} on a running API, as a client calls it: over
 * HTTP with the API key, the whole JSON page read. Each call checks that a full page came back, so
 * a fast error is never timed as a fast page.
 */
final class ApiListPage implements Runnable {

  static final int LIMIT = 100;

  private final Cluster api;
  private final URI uri;
  private final ObjectMapper json = new ObjectMapper();

  ApiListPage(Cluster api) {
    this.api = api;
    this.uri = api.apiBase().resolve("/api/v1/jobs?state=SCHEDULED&limit=" + LIMIT);
  }

  @Override
  public void run() {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + api.apiKey())
            .GET()
            .build();
    try {
      HttpResponse<String> response =
          api.http().send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "GET " + uri + " answered " + response.statusCode() + ": " + response.body());
      }
      JsonNode items = json.readTree(response.body()).path("items");
      if (items.size() != LIMIT) {
        throw new IllegalStateException(
            "GET " + uri + " returned " + items.size() + " jobs, not a full page of " + LIMIT);
      }
    } catch (IOException e) {
      throw new IllegalStateException("GET " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
