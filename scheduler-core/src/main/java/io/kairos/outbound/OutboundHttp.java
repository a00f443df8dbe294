package io.kairos.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Sends one HTTP request under an {@link OutboundPolicy}: the target is resolved and every address
 * checked before the request, redirects are never followed by the client but here, hop by hop, each
 * hop checked the same way. Response bodies are read only up to a bound.
 *
 * <p>The JDK client resolves the host again when it connects; the JVM's address cache (30 s by
 * default) makes that the answer just checked. Do not set {@code networkaddress.cache.ttl=0} on
 * workers.
 */
public final class OutboundHttp {

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final HttpClient client;
  private final OutboundPolicy policy;
  private final Resolver resolver;

  /**
   * @param client must not follow redirects itself ({@link HttpClient.Redirect#NEVER})
   */
  public OutboundHttp(HttpClient client, OutboundPolicy policy, Resolver resolver) {
    this.client = Objects.requireNonNull(client, "client");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    if (client.followRedirects() != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException("the HTTP client must not follow redirects itself");
    }
  }

  /** A client as OutboundHttp needs it: no redirects, the given connect timeout. */
  public static HttpClient newClient(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .build();
  }

  public OutboundPolicy policy() {
    return policy;
  }

  public Resolver resolver() {
    return resolver;
  }

  /** One request; {@code body} may be null. Header values are sent as given. */
  public record Request(
      String method, URI url, Map<String, String> headers, byte[] body, Duration timeout) {
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(timeout, "timeout");
      headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    @Override
    public String toString() {
      return method + " " + url; // headers may hold credentials
    }
  }

  /**
   * The final response: status, headers, at most {@code maxBody} bytes of the body (decoded as
   * UTF-8), whether more followed, and the URL that answered.
   */
  public record Response(
      int status,
      Map<String, List<String>> headers,
      String body,
      boolean truncated,
      URI url,
      int redirects) {

    public Optional<String> header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return Optional.of(e.getValue().get(0));
        }
      }
      return Optional.empty();
    }

    @Override
    public String toString() {
      return "HTTP " + status + " from " + url; // the body may hold secrets (tokens)
    }
  }

  /**
   * Sends the request, following up to {@code maxRedirects} redirects (303 turns into a GET without
   * body; 301, 302, 307 and 308 repeat the method and body).
   *
   * @throws OutboundRefused if the URL, an address it resolves to, or a redirect target is not
   *     allowed, or there are too many redirects
   * @throws IOException on network errors and timeouts ({@link java.net.http.HttpTimeoutException})
   */
  public Response send(Request request, int maxRedirects, int maxBody)
      throws IOException, InterruptedException, OutboundRefused {
    URI url = request.url();
    String method = request.method();
    byte[] body = request.body();
    for (int hop = 0; ; hop++) {
      policy.resolve(url, resolver);
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(url)
              .timeout(request.timeout())
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      request.headers().forEach(builder::header);
      HttpResponse<InputStream> response =
          client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      Optional<String> location = response.headers().firstValue("location");
      if (REDIRECTS.contains(status) && location.isPresent()) {
        response.body().close();
        if (hop >= maxRedirects) {
          throw new OutboundRefused(
              maxRedirects == 0
                  ? "redirected (HTTP " + status + ") to " + location.get() + "; not followed"
                  : "more than " + maxRedirects + " redirects");
        }
        URI next;
        try {
          next = url.resolve(location.get());
        } catch (IllegalArgumentException e) {
          throw new OutboundRefused("redirected to an invalid URL: " + location.get());
        }
        try {
          policy.resolve(next, resolver);
        } catch (OutboundRefused e) {
          throw new OutboundRefused("redirect to " + strip(next) + " refused: " + e.getMessage());
        }
        if (status == 303 && !method.toUpperCase(Locale.ROOT).equals("HEAD")) {
          method = "GET";
          body = null;
        }
        url = next;
        continue;
      }
      byte[] read;
      boolean truncated;
      try (InputStream in = response.body()) {
        read = in.readNBytes(maxBody);
        truncated = in.read() >= 0;
      }
      return new Response(
          status,
          response.headers().map(),
          new String(read, StandardCharsets.UTF_8),
          truncated,
          url,
          hop);
    }
  }

  /** The URL without its query, which may carry secrets, for messages. */
  static String strip(URI url) {
    return url.getScheme()
        + "://"
        + url.getRawAuthority()
        + (url.getRawPath() == null ? "" : url.getRawPath());
  }
}
