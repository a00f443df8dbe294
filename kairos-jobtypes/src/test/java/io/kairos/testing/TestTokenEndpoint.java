package io.kairos.testing;

import io.kairos.testing.TestHttpServer.Received;
import io.kairos.testing.TestHttpServer.Reply;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token endpoint speaking RFC 6749 over real HTTP: client authentication (Basic or in the body),
 * the refresh_token grant with rotation (each refresh token works once; a reused one is {@code
 * invalid_grant}) and the client_credentials grant. Errors can be queued ahead of it.
 */
public final class TestTokenEndpoint implements AutoCloseable {

  public final TestHttpServer server = TestHttpServer.start();
  public final Map<String, String> clients = new ConcurrentHashMap<>();
  public final Set<String> liveRefreshTokens = ConcurrentHashMap.newKeySet();
  public final List<Map<String, String>> grants = new CopyOnWriteArrayList<>();
  public final List<String> issuedAccessTokens = new CopyOnWriteArrayList<>();
  public final List<String> issuedRefreshTokens = new CopyOnWriteArrayList<>();
  private final AtomicInteger counter = new AtomicInteger();
  public volatile long expiresIn = 3600;
  public volatile boolean rotate = true;
  public volatile boolean revokeUsed = true;

  /** When set, each grant waits for it before answering (to hold two refreshes in flight). */
  public volatile CountDownLatch hold;

  public TestTokenEndpoint() {
    server.otherwise(this::answer);
  }

  public URI uri() {
    return server.uri("/oauth2/token");
  }

  public TestTokenEndpoint client(String id, String secret) {
    clients.put(id, secret);
    return this;
  }

  public TestTokenEndpoint refreshToken(String token) {
    liveRefreshTokens.add(token);
    return this;
  }

  private Reply answer(Received request) {
    Map<String, String> form = form(request.bodyText());
    grants.add(form);
    CountDownLatch gate = hold;
    if (gate != null) {
      gate.countDown();
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (!request.method().equals("POST")) {
      return error(405, "invalid_request", "POST only");
    }
    String clientId;
    String secret;
    String basic = request.header("authorization");
    if (basic != null && basic.startsWith("Basic ")) {
      String decoded =
          new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
      secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
    } else {
      clientId = form.get("client_id");
      secret = form.get("client_secret");
    }
    String expected = clients.get(clientId);
    if (expected == null || (!expected.isEmpty() && !expected.equals(secret))) {
      return error(401, "invalid_client", "client authentication failed");
    }
    String grant = form.get("grant_type");
    Map<String, Object> tokens = new LinkedHashMap<>();
    if ("refresh_token".equals(grant)) {
      String used = form.get("refresh_token");
      boolean live = revokeUsed ? liveRefreshTokens.remove(used) : liveRefreshTokens.contains(used);
      if (!live) {
        return error(400, "invalid_grant", "refresh token is invalid or was already used");
      }
      if (rotate) {
        String next = "rt-" + counter.incrementAndGet();
        liveRefreshTokens.add(next);
        issuedRefreshTokens.add(next);
        tokens.put("refresh_token", next);
      } else {
        liveRefreshTokens.add(used);
      }
    } else if (!"client_credentials".equals(grant)) {
      return error(400, "unsupported_grant_type", grant);
    }
    String access = "at-" + counter.incrementAndGet();
    issuedAccessTokens.add(access);
    tokens.put("access_token", access);
    tokens.put("token_type", "Bearer");
    tokens.put("expires_in", expiresIn);
    if (form.containsKey("scope")) {
      tokens.put("scope", form.get("scope"));
    }
    StringBuilder json = new StringBuilder("{");
    tokens.forEach(
        (k, v) -> {
          if (json.length() > 1) {
            json.append(',');
          }
          json.append('"').append(k).append("\":");
          json.append(v instanceof String ? "\"" + v + "\"" : String.valueOf(v));
        });
    return Reply.of(200, json.append('}').toString())
        .with("Content-Type", "application/json")
        .with("Cache-Control", "no-store");
  }

  public static Reply error(int status, String error, String description) {
    return Reply.of(
            status, "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}")
        .with("Content-Type", "application/json");
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      form.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return form;
  }

  @Override
  public void close() {
    server.close();
  }
}
