package io.kairos.jobtype.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.TransientJobFailure;
import io.kairos.outbound.OutboundHttp;
import io.kairos.outbound.OutboundRefused;
import io.kairos.outbound.RetryAfter;
import io.kairos.outbound.SecretForms;
import io.kairos.serialization.KairosJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Asks a token endpoint for new tokens (RFC 6749 §6 refresh_token, §4.4 client_credentials) through
 * {@link OutboundHttp}, so the endpoint is held to the same outbound policy as webhooks; it must
 * not redirect.
 *
 * <p>Failures are classified for the two retry tiers: I/O, timeouts, 408, 429 and 5xx are transient
 * (with {@code Retry-After}); {@code invalid_grant} and {@code invalid_client} are {@link Refused}
 * (the credential needs re-authorisation); other errors are permanent. Messages carry the
 * endpoint's {@code error} and {@code error_description}, never a token or the body of a success.
 */
public final class TokenEndpointClient {

  static final int MAX_RESPONSE = 64 * 1024;

  private final OutboundHttp http;
  private final Duration timeout;
  private final Clock clock;
  private final ObjectMapper json = KairosJson.newObjectMapper();

  public TokenEndpointClient(OutboundHttp http, Duration timeout, Clock clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  Duration timeout() {
    return timeout;
  }

  /** The endpoint said the grant or the client is no good: a person must authorise again. */
  static final class Refused extends PermanentJobFailure {
    private final String error;

    Refused(String error, String message) {
      super(message);
      this.error = error;
    }

    String error() {
      return error;
    }
  }

  TokenResponse request(StoredCredential credential) throws InterruptedException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", credential.grantType().wireName());
    if (credential.grantType() == GrantType.REFRESH_TOKEN) {
      form.put("refresh_token", credential.refreshToken());
    } else if (credential.scope() != null) {
      form.put("scope", credential.scope());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json");
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    switch (credential.clientAuthentication()) {
      case CLIENT_SECRET_BASIC ->
          headers.put(
              "Authorization",
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(
                          (encode(credential.clientId()) + ":" + encode(credential.clientSecret()))
                              .getBytes(StandardCharsets.UTF_8)));
      case CLIENT_SECRET_POST -> {
        form.put("client_id", credential.clientId());
        form.put("client_secret", credential.clientSecret());
      }
      case NONE -> form.put("client_id", credential.clientId());
    }
    String body =
        form.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));

    OutboundHttp.Response response;
    try {
      response =
          http.send(
              new OutboundHttp.Request(
                  "POST",
                  URI.create(credential.tokenEndpoint()),
                  headers,
                  body.getBytes(StandardCharsets.UTF_8),
                  timeout),
              0,
              MAX_RESPONSE);
    } catch (OutboundRefused e) {
      throw new PermanentJobFailure("token endpoint refused by policy: " + e.getMessage());
    } catch (HttpTimeoutException e) {
      throw new TransientJobFailure("token endpoint: no response within " + timeout, e);
    } catch (IOException e) {
      String m = e.getMessage();
      throw new TransientJobFailure(
          "token endpoint: " + e.getClass().getSimpleName() + (m == null ? "" : ": " + m), e);
    }
    int status = response.status();
    if (status == 200) {
      return parse(response);
    }
    // An endpoint may quote what it was sent in its error: never the credential's secrets.
    String error =
        SecretForms.redact(
            errorOf(response),
            java.util.Arrays.asList(credential.clientSecret(), credential.refreshToken()),
            1);
    String message =
        "token endpoint answered HTTP " + status + (error.isEmpty() ? "" : ": " + error);
    if (status == 408 || status == 429 || status >= 500) {
      throw new TransientJobFailure(
          message,
          null,
          response
              .header("Retry-After")
              .flatMap(h -> RetryAfter.parse(h, clock.now()))
              .orElse(null));
    }
    String code = errorCode(response);
    if ("invalid_grant".equals(code) || "invalid_client".equals(code)) {
      throw new Refused(code, message);
    }
    throw new PermanentJobFailure(message);
  }

  private TokenResponse parse(OutboundHttp.Response response) {
    if (response.truncated()) {
      throw new PermanentJobFailure(
          "token endpoint: response larger than " + MAX_RESPONSE + " bytes");
    }
    JsonNode node;
    try {
      node = json.readTree(response.body());
    } catch (IOException e) {
      throw new PermanentJobFailure("token endpoint: response is not JSON");
    }
    if (node == null
        || !node.path("access_token").isTextual()
        || node.path("access_token").asText().isEmpty()) {
      throw new PermanentJobFailure("token endpoint: response has no access_token");
    }
    Duration expiresIn = null;
    JsonNode expires = node.path("expires_in");
    if (expires.isNumber() || (expires.isTextual() && expires.asText().matches("\\d{1,10}"))) {
      expiresIn = Duration.ofSeconds(expires.asLong());
    }
    return new TokenResponse(
        node.path("access_token").asText(),
        node.path("token_type").isTextual() ? node.path("token_type").asText() : null,
        expiresIn,
        node.path("refresh_token").isTextual() && !node.path("refresh_token").asText().isEmpty()
            ? node.path("refresh_token").asText()
            : null,
        node.path("scope").isTextual() ? node.path("scope").asText() : null);
  }

  private String errorCode(OutboundHttp.Response response) {
    try {
      JsonNode node = json.readTree(response.body());
      return node != null && node.path("error").isTextual() ? node.path("error").asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** {@code error: error_description}, bounded, from an RFC 6749 §5.2 error body (or nothing). */
  private String errorOf(OutboundHttp.Response response) {
    try {
      JsonNode node = json.readTree(response.body());
      if (node == null || !node.path("error").isTextual()) {
        return "";
      }
      String text = node.path("error").asText();
      if (node.path("error_description").isTextual()) {
        text += ": " + node.path("error_description").asText();
      }
      text = text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]", " ");
      return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    } catch (IOException e) {
      return "";
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
