package io.kairos.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Typed calls over Kairos's REST API v1, for applications that do not share its database. Made once
 * with {@link #builder()} and shared: it is immutable and thread-safe (one {@link HttpClient}
 * underneath). Every call is one HTTP request, never retried by the client; an error answer is a
 * {@link KairosApiException}, no answer a {@link KairosTransportException}. The API key goes in the
 * {@code Authorization} header of each request and nowhere else: not in messages, not in {@link
 * #toString()}.
 */
public final class KairosClient {

  /** Members of a problem that have accessors of their own in {@link KairosApiException}. */
  private static final Set<String> PROBLEM_MEMBERS =
      Set.of("type", "title", "status", "detail", "instance", "field");

  private final URI baseUri;
  private final String authorization;
  private final Duration timeout;
  private final HttpClient http;

  private KairosClient(Builder builder) {
    this.baseUri = builder.baseUri;
    this.authorization = "Bearer " + builder.apiKey;
    this.timeout = builder.timeout;
    this.http =
        builder.httpClient != null
            ? builder.httpClient
            : HttpClient.newBuilder()
                .connectTimeout(builder.timeout)
                // Never followed: a redirect must not carry the key to another origin; a 3xx is
                // reported as a KairosApiException naming its status.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  // --- Jobs ------------------------------------------------------------------------------------

  /**
   * Schedules a job ({@code POST /api/v1/jobs}). Posting the same id with the same body again is a
   * replay: the API answers with the job the first request created ({@code created() == false}), so
   * a retry after a lost answer is safe. The same id with another body is a {@code 409}.
   */
  public SubmittedJob create(CreateJobRequest request) {
    Objects.requireNonNull(request, "request");
    Answer<Job> answer = send("POST", "/api/v1/jobs", request, JOB);
    return new SubmittedJob(answer.body(), answer.status() == 201);
  }

  /**
   * Creates up to 1000 jobs in one request and one transaction ({@code POST /api/v1/jobs/batch}):
   * each item is checked as {@link #create} checks it and answered on its own — created, replayed,
   * invalid or a conflict — in request order. Invalid items do not stop the others. An empty list,
   * more than 1000 items or an id given twice refuses the whole batch ({@link KairosApiException}).
   */
  public BatchResult createAll(List<CreateJobRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    return send("POST", "/api/v1/jobs/batch", new BatchRequest(List.copyOf(requests)), BATCH)
        .body();
  }

  private record BatchRequest(List<CreateJobRequest> jobs) {}

  /**
   * Creates or replaces, whole, the job at {@code id} ({@code PUT /api/v1/jobs/{id}}): created
   * ({@code created() == true}) when no job had the id, else replaced as its next revision (also a
   * completed, cancelled, dead or missed one). The same definition again changes nothing. A running
   * job is refused with {@code 409} and a {@link KairosApiException#retryAfter()}.
   */
  public SubmittedJob replace(String id, ReplaceJobRequest request) {
    Objects.requireNonNull(request, "request");
    Answer<Job> answer = send("PUT", jobPath(id), request, JOB);
    return new SubmittedJob(answer.body(), answer.status() == 201);
  }

  /** The job with its state, next and last run; {@code 404} when there is none. */
  public Job get(String id) {
    return send("GET", jobPath(id), null, JOB).body();
  }

  /**
   * The job with the version of its definition (its {@code ETag}), to change it only as read:
   * {@link ChangeJobRequest#withExpectedVersion}.
   */
  public VersionedJob getVersioned(String id) {
    Answer<Job> answer = send("GET", jobPath(id), null, JOB);
    return new VersionedJob(answer.body(), answer.version());
  }

  /** One page of jobs, in id order. */
  public Page<Job> list(JobQuery query) {
    Objects.requireNonNull(query, "query");
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("type", query.type());
    parameters.put("group", query.group());
    parameters.put("state", query.state());
    parameters.put("idPrefix", query.idPrefix());
    parameters.put("stale", query.stale() ? Boolean.TRUE : null);
    parameters.put("cursor", query.cursor());
    parameters.put("limit", query.limit());
    return send("GET", "/api/v1/jobs" + queryString(parameters), null, JOB_PAGE).body();
  }

  /**
   * Reschedules a job or changes its payload (a merge patch), priority or attempts ({@code PATCH
   * /api/v1/jobs/{id}}); {@code 409} while it runs or once it is final. With an expected version,
   * {@link StaleJobVersionException} when the job's definition changed since.
   */
  public Job change(String id, ChangeJobRequest request) {
    return changeVersioned(id, request).job();
  }

  /** {@link #change}, answering the job's new version too (for a next change as read). */
  public VersionedJob changeVersioned(String id, ChangeJobRequest request) {
    Objects.requireNonNull(request, "request");
    Answer<Job> answer =
        send("PATCH", jobPath(id), request, JOB, ifMatch(request.expectedVersion()));
    return new VersionedJob(answer.body(), answer.version());
  }

  private static Map<String, String> ifMatch(String version) {
    return version == null ? Map.of() : Map.of("If-Match", "\"" + version + "\"");
  }

  /** Cancels a job; it stays readable, {@code CANCELLED}. Cancelling twice is fine. */
  public Job cancel(String id) {
    return send("DELETE", jobPath(id), null, JOB).body();
  }

  /** Pauses a job: it keeps its next run time but does not run until resumed. */
  public Job pause(String id) {
    return send("POST", jobPath(id) + "/pause", null, JOB).body();
  }

  /** Resumes a paused job (resuming one that is not paused is fine). */
  public Job resume(String id) {
    return send("POST", jobPath(id) + "/resume", null, JOB).body();
  }

  /** Makes a job due now; a recurring job keeps its schedule. */
  public Job runNow(String id) {
    return send("POST", jobPath(id) + "/run", null, JOB).body();
  }

  /** The first page of a job's attempts, oldest first. */
  public Page<Run> runs(String id) {
    return runs(id, null, null);
  }

  /** A page of a job's attempts, oldest first; {@code cursor} and {@code limit} may be null. */
  public Page<Run> runs(String id, String cursor, Integer limit) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("cursor", cursor);
    parameters.put("limit", limit);
    return send("GET", jobPath(id) + "/runs" + queryString(parameters), null, RUN_PAGE).body();
  }

  /** The job types this deployment knows, each with its payload's JSON Schema. */
  public List<JobType> jobTypes() {
    return List.copyOf(send("GET", "/api/v1/job-types", null, JOB_TYPES).body());
  }

  // --- Dead jobs -------------------------------------------------------------------------------

  /**
   * A page of dead jobs in id order; {@code type}, {@code cursor} and {@code limit} may be null.
   */
  public Page<DeadJob> deadJobs(String type, String cursor, Integer limit) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("type", type);
    parameters.put("cursor", cursor);
    parameters.put("limit", limit);
    return send("GET", "/api/v1/dead-jobs" + queryString(parameters), null, DEAD_JOB_PAGE).body();
  }

  /** A dead job; {@code 404} when no dead job has this id. */
  public DeadJob deadJob(String id) {
    return send("GET", "/api/v1/dead-jobs/" + segment(id), null, DEAD_JOB).body();
  }

  /** Runs a dead job again, now, from attempt 1; {@code 409} when it is not dead. */
  public Requeue requeueDeadJob(String id) {
    return send("POST", "/api/v1/dead-jobs/" + segment(id) + "/requeue", null, REQUEUE).body();
  }

  /** Deletes a dead job (its history stays until pruned); {@code 404} when none has this id. */
  public void deleteDeadJob(String id) {
    send("DELETE", "/api/v1/dead-jobs/" + segment(id), null, NOTHING);
  }

  @Override
  public String toString() {
    return "KairosClient[baseUri=" + baseUri + ", timeout=" + timeout + "]";
  }

  // --- HTTP ------------------------------------------------------------------------------------

  /** {@code version}: the answer's {@code ETag} without its quotes, null when it had none. */
  private record Answer<T>(int status, T body, String version) {}

  /** What a response body is read as; {@code type} null: the body is ignored. */
  private record Shape<T>(JavaType type) {}

  private static final Shape<Job> JOB = shape(Job.class);
  private static final Shape<DeadJob> DEAD_JOB = shape(DeadJob.class);
  private static final Shape<Requeue> REQUEUE = shape(Requeue.class);
  private static final Shape<BatchResult> BATCH = shape(BatchResult.class);
  private static final Shape<Page<Job>> JOB_PAGE = page(Job.class);
  private static final Shape<Page<Run>> RUN_PAGE = page(Run.class);
  private static final Shape<Page<DeadJob>> DEAD_JOB_PAGE = page(DeadJob.class);
  private static final Shape<List<JobType>> JOB_TYPES =
      new Shape<>(
          ClientJson.MAPPER.getTypeFactory().constructCollectionType(List.class, JobType.class));
  private static final Shape<Void> NOTHING = new Shape<>(null);

  private static <T> Shape<T> shape(Class<T> type) {
    return new Shape<>(ClientJson.MAPPER.getTypeFactory().constructType(type));
  }

  private static <T> Shape<Page<T>> page(Class<T> item) {
    return new Shape<>(
        ClientJson.MAPPER.getTypeFactory().constructParametricType(Page.class, item));
  }

  private static String jobPath(String id) {
    return "/api/v1/jobs/" + segment(id);
  }

  /**
   * {@code id} as one path segment: everything but unreserved characters and {@code :} is
   * percent-encoded, and {@code .} / {@code ..} too, so an id never changes which path is asked.
   */
  static String segment(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("id must not be empty");
    }
    if (id.equals(".") || id.equals("..")) {
      return id.replace(".", "%2E");
    }
    StringBuilder encoded = new StringBuilder();
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~'
          || c == ':') {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return encoded.toString();
  }

  private static String queryString(Map<String, Object> parameters) {
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    parameters.forEach(
        (name, value) -> {
          if (value != null) {
            query.add(
                name
                    + "="
                    + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8)
                        .replace("+", "%20"));
          }
        });
    return query.toString();
  }

  private <T> Answer<T> send(String method, String path, Object body, Shape<T> shape) {
    return send(method, path, body, shape, Map.of());
  }

  private <T> Answer<T> send(
      String method, String path, Object body, Shape<T> shape, Map<String, String> headers) {
    String operation = method + " " + path;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(resolve(path))
            .timeout(timeout)
            .header("Authorization", authorization)
            .header("Accept", "application/json, application/problem+json")
            .header("User-Agent", "kairos-client");
    headers.forEach(request::header);
    if (body != null) {
      byte[] json;
      try {
        json = ClientJson.MAPPER.writeValueAsBytes(body);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            operation + ": the request cannot be written as JSON", e);
      }
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(json));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      throw new KairosTransportException(
          operation + ": could not connect to " + baseUri + " within " + timeout, e);
    } catch (HttpTimeoutException e) {
      throw new KairosTransportException(
          operation + ": no answer from " + baseUri + " within " + timeout, e);
    } catch (ConnectException e) {
      throw new KairosTransportException(
          operation + ": could not connect to " + baseUri + " (" + e + ")", e);
    } catch (IOException e) {
      throw new KairosTransportException(
          operation + ": the exchange with " + baseUri + " failed (" + e + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KairosTransportException(operation + ": interrupted", e);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw problem(operation, response);
    }
    String version = version(response);
    if (shape.type() == null || response.body().length == 0) {
      return new Answer<>(status, null, version);
    }
    try {
      T read = ClientJson.MAPPER.readValue(response.body(), shape.type());
      return new Answer<>(status, read, version);
    } catch (IOException e) {
      throw new KairosTransportException(
          operation + ": the answer (" + status + ") is not the JSON expected: " + e.getMessage(),
          e);
    }
  }

  private URI resolve(String path) {
    // The base may carry a path of its own (an API behind a prefix): append, never replace it.
    String base = baseUri.toString();
    return URI.create(base.endsWith("/") ? base + path.substring(1) : base + path);
  }

  private static KairosApiException problem(String operation, HttpResponse<byte[]> response) {
    int status = response.statusCode();
    Duration retryAfter =
        response.headers().firstValue("Retry-After").map(KairosClient::retryAfter).orElse(null);
    JsonNode problem = null;
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    if (contentType.contains("json") && response.body().length > 0) {
      try {
        problem = ClientJson.MAPPER.readTree(response.body());
      } catch (IOException notJson) {
        // Not a problem body after all (a proxy's error page): the status says enough.
      }
    }
    if (!(problem instanceof ObjectNode members)) {
      return status == 412
          ? new StaleJobVersionException(
              operation, "HTTP 412", null, retryAfter, Map.of(), version(response))
          : new KairosApiException(
              operation, status, "HTTP " + status, null, null, retryAfter, Map.of());
    }
    Map<String, JsonNode> properties = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = members.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      if (!PROBLEM_MEMBERS.contains(member.getKey())) {
        properties.put(member.getKey(), member.getValue().deepCopy());
      }
    }
    if (status == 412) {
      return new StaleJobVersionException(
          operation,
          text(members, "title", "HTTP 412"),
          text(members, "detail", null),
          retryAfter,
          properties,
          version(response));
    }
    return new KairosApiException(
        operation,
        status,
        text(members, "title", "HTTP " + status),
        text(members, "detail", null),
        text(members, "field", null),
        retryAfter,
        properties);
  }

  /** The {@code ETag} as the version it names: without {@code W/} and quotes; null when none. */
  static String version(HttpResponse<?> response) {
    return response.headers().firstValue("ETag").map(KairosClient::unquoted).orElse(null);
  }

  static String unquoted(String etag) {
    String tag = etag.strip();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
      tag = tag.substring(1, tag.length() - 1);
    }
    return tag;
  }

  private static String text(JsonNode problem, String member, String otherwise) {
    JsonNode value = problem.get(member);
    return value == null || value.isNull() ? otherwise : value.asText();
  }

  /** {@code Retry-After} as seconds or as an HTTP date; null when it is neither. */
  static Duration retryAfter(String value) {
    String trimmed = value.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration left = Duration.between(Instant.now(), at);
        return left.isNegative() ? Duration.ZERO : left;
      } catch (DateTimeParseException neither) {
        return null;
      }
    }
  }

  /** Builds a {@link KairosClient}: a base URI and an API key are required. */
  public static final class Builder {
    private URI baseUri;
    private String apiKey;
    private Duration timeout = Duration.ofSeconds(10);
    private HttpClient httpClient;

    private Builder() {}

    /** Where the API is, e.g. {@code https://kairos.example.com} (a path prefix is kept). */
    public Builder baseUri(URI baseUri) {
      this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
      return this;
    }

    /** The API key, sent as {@code Authorization: Bearer <key>}. */
    public Builder apiKey(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      return this;
    }

    /** The longest a connection and each request may take; default 10 s. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive, not " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * An HTTP client of your own (a proxy, TLS settings, an executor); its connect timeout and
     * redirect policy are yours then. The per-request timeout still applies.
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    public KairosClient build() {
      if (baseUri == null) {
        throw new IllegalStateException("baseUri is required");
      }
      String scheme = baseUri.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalStateException("baseUri must be http or https, not " + baseUri);
      }
      if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
        throw new IllegalStateException("baseUri must have no query or fragment: " + baseUri);
      }
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalStateException("apiKey is required");
      }
      // A key with a line break or other control character would be refused by the HTTP client
      // with a message that might quote it; say so here without the key.
      if (apiKey.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new IllegalStateException("apiKey must not contain control characters");
      }
      return new KairosClient(this);
    }
  }
}
