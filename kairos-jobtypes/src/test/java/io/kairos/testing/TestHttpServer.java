package io.kairos.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 (the JDK's), answering from a script: queued replies first, then
 * a fallback. Every request is recorded with its headers and body.
 */
public final class TestHttpServer implements AutoCloseable {

  /** A request as the server saw it; header names in lower case. */
  public record Received(String method, URI uri, Map<String, List<String>> headers, byte[] body) {

    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** A reply: status, headers, body. */
  public record Reply(int status, Map<String, String> headers, String body) {

    public static Reply of(int status, String body) {
      return new Reply(status, Map.of(), body);
    }

    public Reply with(String header, String value) {
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.put(header, value);
      return new Reply(status, all, body);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final ConcurrentLinkedQueue<Function<Received, Reply>> script =
      new ConcurrentLinkedQueue<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Function<Received, Reply> fallback = request -> Reply.of(200, "ok");

  private TestHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.createContext("/", this::serve);
    server.start();
  }

  public static TestHttpServer start() {
    try {
      return new TestHttpServer();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  /** Replies to the next requests, in order. */
  public TestHttpServer enqueue(Reply... replies) {
    for (Reply reply : replies) {
      script.add(request -> reply);
    }
    return this;
  }

  /** Answers the next request by calling {@code responder}. */
  public TestHttpServer enqueue(Function<Received, Reply> responder) {
    script.add(responder);
    return this;
  }

  /** Answers requests once the script is used up. */
  public TestHttpServer otherwise(Function<Received, Reply> responder) {
    this.fallback = responder;
    return this;
  }

  public List<Received> received() {
    return new ArrayList<>(received);
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
      Received request =
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI(),
              headers,
              exchange.getRequestBody().readAllBytes());
      received.add(request);
      Function<Received, Reply> responder = script.poll();
      Reply reply = (responder != null ? responder : fallback).apply(request);
      reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      byte[] body =
          reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(reply.status(), body.length == 0 || head ? -1 : body.length);
      if (body.length > 0 && !head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
