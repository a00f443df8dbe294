package io.kairos.outbound;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.IDN;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.BasicHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends one HTTP request under an {@link OutboundPolicy}: the target is resolved once, every
 * address checked, and the connection made to exactly those addresses (Apache HttpClient's {@link
 * DnsResolver} hook, so nothing resolves the name a second time between check and connect — no DNS
 * rebinding window — while TLS still sends the host name as SNI and verifies the certificate
 * against it). Redirects are never followed by the client but here, hop by hop, each hop checked
 * the same way; a hop to another origin (scheme, host, port) carries none of the request's headers
 * but {@link #CROSS_ORIGIN_HEADERS}: not {@code Authorization}, cookies or the webhook signature,
 * nor any header a payload set (API keys, tenant ids: every one may authenticate). Response bodies
 * are read only up to a bound. The caller's trace context goes along as W3C {@code traceparent}
 * (the attempt's span: the receiver's trace continues the one that created the job).
 *
 * <p>Each hop gets a connection of its own, closed afterwards: a pooled connection would outlive
 * the check it was made under. The request runs on a helper thread so that the caller's
 * interruption (a timeout or a lost lease) aborts it at once, and the whole exchange is bounded by
 * the request's timeout.
 */
public final class OutboundHttp {

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  /**
   * The only headers a redirect to another origin carries on. Any other may authenticate the
   * request to its origin (credentials, cookies, API keys under any name, a signature the other
   * host could replay to the real receiver), and which do cannot be told from their names.
   */
  static final Set<String> CROSS_ORIGIN_HEADERS =
      Set.of("user-agent", "content-type", "accept", "accept-language", "content-language");

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService EXCHANGES =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "kairos-outbound-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private final Duration connectTimeout;
  private final OutboundPolicy policy;
  private final Resolver resolver;
  private final TlsSocketStrategy tls;

  /**
   * @param connectTimeout how long connecting may take
   */
  public OutboundHttp(Duration connectTimeout, OutboundPolicy policy, Resolver resolver) {
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    // The JVM's trust store and default protocols; host names verified (the default verifier).
    this.tls = new DefaultClientTlsStrategy(SSLContexts.createSystemDefault());
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

  /** One hop's answer, before redirects are considered. */
  private record Hop(
      int status, Map<String, List<String>> headers, String location, byte[] body, boolean more) {}

  /**
   * Sends the request, following up to {@code maxRedirects} redirects (303 turns into a GET without
   * body; 301, 302, 307 and 308 repeat the method and body).
   *
   * @throws OutboundRefused if the URL, an address it resolves to, or a redirect target is not
   *     allowed, or there are too many redirects
   * @throws IOException on network errors and timeouts ({@link HttpTimeoutException}, {@link
   *     HttpConnectTimeoutException})
   */
  public Response send(Request request, int maxRedirects, int maxBody)
      throws IOException, InterruptedException, OutboundRefused {
    URI url = request.url();
    String method = request.method();
    byte[] body = request.body();
    Map<String, String> headers = new LinkedHashMap<>(request.headers());
    // The current trace (the attempt's span) goes along, unless the request names its own.
    if (Span.current().getSpanContext().isValid()) {
      W3CTraceContextPropagator.getInstance()
          .inject(
              Context.current(),
              headers,
              (carrier, name, value) -> {
                if (carrier != null
                    && carrier.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                  carrier.put(name, value);
                }
              });
    }
    for (int hop = 0; ; hop++) {
      // The one look-up of this hop: checked here, and the connection goes to these addresses.
      List<InetAddress> checked;
      try {
        checked = policy.resolve(url, resolver);
      } catch (OutboundRefused e) {
        if (hop == 0) {
          throw e;
        }
        throw new OutboundRefused("redirect to " + strip(url) + " refused: " + e.getMessage());
      }
      Hop answer = exchange(method, url, headers, body, checked, request.timeout(), maxBody);
      int status = answer.status();
      if (REDIRECTS.contains(status) && answer.location() != null) {
        if (hop >= maxRedirects) {
          throw new OutboundRefused(
              maxRedirects == 0
                  ? "redirected (HTTP " + status + ") to " + answer.location() + "; not followed"
                  : "more than " + maxRedirects + " redirects");
        }
        URI next;
        try {
          next = url.resolve(answer.location());
        } catch (IllegalArgumentException e) {
          throw new OutboundRefused("redirected to an invalid URL: " + answer.location());
        }
        if (!sameOrigin(url, next)) {
          headers.keySet().removeIf(name -> !CROSS_ORIGIN_HEADERS.contains(lower(name)));
        }
        if (status == 303 && !method.toUpperCase(Locale.ROOT).equals("HEAD")) {
          method = "GET";
          body = null;
        }
        url = next;
        continue;
      }
      return new Response(
          status,
          answer.headers(),
          new String(answer.body(), StandardCharsets.UTF_8),
          answer.more(),
          url,
          hop);
    }
  }

  private Hop exchange(
      String method,
      URI url,
      Map<String, String> headers,
      byte[] body,
      List<InetAddress> checked,
      Duration timeout,
      int maxBody)
      throws IOException, InterruptedException {
    HttpUriRequestBase request = new HttpUriRequestBase(method, url);
    headers.forEach(request::addHeader);
    if (body != null) {
      request.setEntity(new ByteArrayEntity(body, null));
    }
    BasicHttpClientConnectionManager connections =
        BasicHttpClientConnectionManager.create(
            DefaultSchemePortResolver.INSTANCE,
            new PinnedResolver(url.getHost(), checked),
            RegistryBuilder.<TlsSocketStrategy>create().register("https", tls).build(),
            ManagedHttpClientConnectionFactory.INSTANCE);
    connections.setConnectionConfig(
        ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(connectTimeout))
            .setSocketTimeout(Timeout.of(timeout))
            .build());
    CloseableHttpClient client =
        HttpClients.custom()
            .setConnectionManager(connections)
            .disableRedirectHandling()
            .disableAutomaticRetries() // a POST sent twice is two deliveries
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .setDefaultRequestConfig(
                RequestConfig.custom().setResponseTimeout(Timeout.of(timeout)).build())
            .build();
    Future<Hop> future =
        EXCHANGES.submit(
            () ->
                client.execute(
                    request,
                    response -> {
                      Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                      for (Header header : response.getHeaders()) {
                        map.computeIfAbsent(header.getName(), k -> new ArrayList<>())
                            .add(header.getValue());
                      }
                      Header location = response.getFirstHeader("Location");
                      int status = response.getCode();
                      HttpEntity entity = response.getEntity();
                      if ((REDIRECTS.contains(status) && location != null) || entity == null) {
                        return new Hop(
                            status,
                            map,
                            location == null ? null : location.getValue(),
                            new byte[0],
                            false);
                      }
                      InputStream in = entity.getContent();
                      byte[] read = in.readNBytes(maxBody);
                      boolean more = in.read() >= 0;
                      if (more) {
                        // Closing a body reads it to its end (so the connection can be reused):
                        // the connection is dropped first, and the rest never read.
                        request.cancel();
                      }
                      try {
                        in.close();
                      } catch (IOException e) {
                        if (!more) {
                          throw e;
                        }
                      }
                      return new Hop(
                          status, map, location == null ? null : location.getValue(), read, more);
                    }));
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      request.cancel();
      future.cancel(true);
      throw e;
    } catch (TimeoutException e) {
      request.cancel();
      future.cancel(true);
      throw new HttpTimeoutException("no response within " + timeout);
    } catch (ExecutionException e) {
      throw translate(e.getCause(), timeout);
    } finally {
      client.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
    }
  }

  /** Faults as the JDK client reported them, which handlers classify. */
  private static IOException translate(Throwable cause, Duration timeout) {
    if (cause instanceof ConnectTimeoutException e) {
      return new HttpConnectTimeoutException(e.getMessage());
    }
    if (cause instanceof SocketTimeoutException) {
      return new HttpTimeoutException("no response within " + timeout);
    }
    if (cause instanceof InterruptedIOException e) {
      return e;
    }
    if (cause instanceof IOException e) {
      return e;
    }
    if (cause instanceof RuntimeException e) {
      throw e;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new IOException(cause);
  }

  /**
   * Answers the connection's one look-up with the addresses the policy just checked; any other name
   * is not resolved at all.
   */
  private static final class PinnedResolver implements DnsResolver {
    private final String host;
    private final InetAddress[] addresses;

    PinnedResolver(String host, List<InetAddress> addresses) {
      this.host = normalise(host);
      this.addresses = addresses.toArray(InetAddress[]::new);
    }

    @Override
    public InetAddress[] resolve(String name) throws UnknownHostException {
      if (!normalise(name).equals(host)) {
        throw new UnknownHostException(name + " was not checked by the outbound policy");
      }
      return addresses.clone();
    }

    @Override
    public String resolveCanonicalHostname(String name) {
      return name;
    }
  }

  /**
   * A host name as two URLs' hosts are compared: lower case, without IPv6 brackets or a trailing
   * dot, internationalised names in their ASCII form.
   */
  public static String normalise(String host) {
    String h = host == null ? "" : lower(host);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    try {
      return IDN.toASCII(h).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return h;
    }
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }

  private static boolean sameOrigin(URI a, URI b) {
    return lower(a.getScheme()).equals(lower(b.getScheme()))
        && normalise(a.getHost()).equals(normalise(b.getHost()))
        && port(a) == port(b);
  }

  private static int port(URI url) {
    if (url.getPort() != -1) {
      return url.getPort();
    }
    return lower(url.getScheme()).equals("https") ? 443 : 80;
  }

  /** The URL without its query, which may carry secrets, for messages. */
  static String strip(URI url) {
    return url.getScheme()
        + "://"
        + url.getRawAuthority()
        + (url.getRawPath() == null ? "" : url.getRawPath());
  }
}
