package io.kairos.bench.creation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.bench.cluster.Cluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A way of creating a number of {@code noop} jobs through the API, timed. */
public sealed interface Creation {

  /**
   * Creates the jobs, ids starting with {@code prefix}, and returns jobs created per second (from
   * the first request sent to the last answer received).
   */
  double run(Poster poster, String prefix) throws Exception;

  /** {@code clients} threads, each posting its share of {@code jobs} one per request. */
  record Single(int clients, int jobs) implements Creation {
    @Override
    public double run(Poster poster, String prefix) throws Exception {
      return timed(
          clients,
          client -> {
            for (int i = client; i < jobs; i += clients) {
              poster.single(job(prefix + "-" + i));
            }
          },
          jobs);
    }
  }

  /** {@code clients} threads, each posting its share of {@code jobs} in batches of {@code size}. */
  record Batched(int clients, int size, int jobs) implements Creation {
    @Override
    public double run(Poster poster, String prefix) throws Exception {
      int batches = (jobs + size - 1) / size;
      return timed(
          clients,
          client -> {
            for (int b = client; b < batches; b += clients) {
              List<String> items = new ArrayList<>(size);
              for (int i = b * size; i < Math.min(jobs, (b + 1) * size); i++) {
                items.add(job(prefix + "-" + i));
              }
              poster.batch(items);
            }
          },
          jobs);
    }
  }

  private static String job(String id) {
    return "{\"type\":\"noop\",\"id\":\"" + id + "\"}";
  }

  /** What one client thread does. */
  interface Client {
    void run(int client) throws Exception;
  }

  private static double timed(int clients, Client work, int jobs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      long start = System.nanoTime();
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        running.add(
            pool.submit(
                () -> {
                  work.run(client);
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
      return jobs / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Requests the API timed and their total seconds. */
  record ServerTimer(long count, double totalSeconds) {

    /** Mean milliseconds per request between {@code before} and this reading. */
    double meanMillisSince(ServerTimer before) {
      long n = count - before.count;
      return n == 0 ? Double.NaN : (totalSeconds - before.totalSeconds) * 1000 / n;
    }
  }

  ObjectMapper JSON = new ObjectMapper();

  /** Posts to the API as a client would; any answer but full success fails the benchmark. */
  final class Poster {
    private final Cluster cluster;
    private final ConcurrentLinkedQueue<Long> requestNanos = new ConcurrentLinkedQueue<>();

    Poster(Cluster cluster) {
      this.cluster = cluster;
    }

    void single(String body) {
      expect(post("/api/v1/jobs", body), 201, body);
    }

    void batch(List<String> items) {
      String body = "{\"jobs\":[" + String.join(",", items) + "]}";
      HttpResponse<String> response = post("/api/v1/jobs/batch", body);
      expect(response, 200, "a batch of " + items.size());
      String created = "\"created\":" + items.size() + ",";
      if (!response.body().startsWith("{" + created)) {
        throw new IllegalStateException(
            "a batch of "
                + items.size()
                + " did not create them all: "
                + response.body().substring(0, Math.min(300, response.body().length())));
      }
    }

    /**
     * What the API's own {@code http.server.requests} timer holds for {@code POST /api/v1/jobs}:
     * requests and their total seconds, from the request's arrival to its answer, without the
     * client's side or the loopback. Zeros before the first request.
     */
    ServerTimer serverTimer() {
      URI uri =
          cluster
              .apiBase()
              .resolve(
                  "/actuator/metrics/http.server.requests?tag=uri:/api/v1/jobs&tag=method:POST");
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(60))
              .header("Authorization", "Bearer " + cluster.apiKey())
              .GET()
              .build();
      try {
        HttpResponse<String> response =
            cluster.http().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
          return new ServerTimer(0, 0);
        }
        expect(response, 200, "GET " + uri);
        long count = 0;
        double total = 0;
        for (JsonNode m : JSON.readTree(response.body()).path("measurements")) {
          switch (m.path("statistic").asText()) {
            case "COUNT" -> count = m.path("value").asLong();
            case "TOTAL_TIME" -> total = m.path("value").asDouble();
            default -> {}
          }
        }
        return new ServerTimer(count, total);
      } catch (IOException e) {
        throw new IllegalStateException("GET " + uri + " failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    /** The time each request took since the last call, from sending it to its whole answer. */
    List<Long> takeRequestNanos() {
      List<Long> taken = new ArrayList<>();
      for (Long nanos; (nanos = requestNanos.poll()) != null; ) {
        taken.add(nanos);
      }
      return taken;
    }

    private HttpResponse<String> post(String path, String body) {
      URI uri = cluster.apiBase().resolve(path);
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(60))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer " + cluster.apiKey())
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      try {
        long sent = System.nanoTime();
        HttpResponse<String> response =
            cluster.http().send(request, HttpResponse.BodyHandlers.ofString());
        requestNanos.add(System.nanoTime() - sent);
        return response;
      } catch (IOException e) {
        throw new IllegalStateException("POST " + path + " failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    private static void expect(HttpResponse<String> response, int status, String what) {
      if (response.statusCode() != status) {
        throw new IllegalStateException(
            "POST of "
                + what
                + " answered "
                + response.statusCode()
                + ": "
                + response.body().substring(0, Math.min(300, response.body().length())));
      }
    }
  }
}
