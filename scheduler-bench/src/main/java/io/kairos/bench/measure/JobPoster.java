package io.kairos.bench.measure;

import io.kairos.bench.cluster.Cluster;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** Creates {@code noop} jobs through the API, as a client would. */
final class JobPoster {

  private final Cluster cluster;

  JobPoster(Cluster cluster) {
    this.cluster = cluster;
  }

  /**
   * @param at when it is due; null for now (no schedule in the request)
   * @param duration how long the job runs; null for not at all
   */
  void post(String id, Instant at, Duration duration) {
    StringBuilder body = new StringBuilder("{\"type\":\"noop\",\"id\":\"").append(id).append('"');
    if (duration != null) {
      body.append(",\"payload\":{\"duration\":\"").append(duration).append("\"}");
    }
    if (at != null) {
      body.append(",\"schedule\":{\"at\":\"").append(at).append("\"}");
    }
    body.append('}');
    HttpRequest request =
        HttpRequest.newBuilder(cluster.apiBase().resolve("/api/v1/jobs"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + cluster.apiKey())
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    HttpResponse<String> response;
    try {
      response = cluster.http().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("POST of job " + id + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (response.statusCode() != 201) {
      throw new IllegalStateException(
          "POST of job " + id + " answered " + response.statusCode() + ": " + response.body());
    }
  }
}
