package io.kairos.jobtype.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.node.NullNode;
import io.kairos.job.InvalidJobException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One HTTP request: {@code {"method": "POST", "url": "https://…", "headers": {…}, "body": …,
 * "timeout": "PT10S"}}. {@code method} defaults to POST; {@code body} is sent as is when it is a
 * JSON string, as JSON otherwise (then with {@code Content-Type: application/json} unless a header
 * says otherwise). Kairos sets {@code webhook-id}, {@code webhook-timestamp}, {@code
 * webhook-signature} and {@code Idempotency-Key} itself. Whether the URL's host may be reached is
 * this deployment's policy, checked when the job is created and again before each request.
 *
 * @param timeout how long one request may take, PT1S–PT5M (default: {@code
 *     kairos.webhook.default-timeout})
 * @param auth a stored OAuth credential whose current access token is sent as {@code Authorization:
 *     Bearer …} (optional; then the payload may not set {@code Authorization})
 */
public record WebhookPayload(
    String method,
    String url,
    @JsonDeserialize(contentUsing = HeaderValues.class) Map<String, String> headers,
    JsonNode body,
    Duration timeout,
    WebhookAuth auth) {

  /** Credential ids, as stored (the API's id alphabet). */
  static final Pattern CREDENTIAL_ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

  public static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
  static final int MAX_URL = 2048;
  static final int MAX_HEADERS = 50;
  static final int MAX_HEADER_VALUE = 8192;
  static final int MAX_BODY_BYTES = 256 * 1024;
  static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");

  /** Set by Kairos or by the HTTP client; a payload may not set them. */
  static final Set<String> RESERVED_HEADERS =
      Set.of(
          "webhook-id",
          "webhook-timestamp",
          "webhook-signature",
          "idempotency-key",
          "host",
          "content-length",
          "connection",
          "upgrade",
          "expect",
          "transfer-encoding",
          "te",
          "trailer",
          "keep-alive",
          "proxy-authorization",
          "proxy-connection");

  public WebhookPayload {
    method = method == null ? "POST" : method.trim().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new InvalidJobException("method", "must be one of " + METHODS);
    }
    if (url == null || url.isBlank()) {
      throw new InvalidJobException("url", "is required");
    }
    if (url.length() > MAX_URL) {
      throw new InvalidJobException("url", "is longer than " + MAX_URL + " characters");
    }
    URI parsed;
    try {
      parsed = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidJobException("url", "is not a valid URL: " + e.getReason());
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
    if (!parsed.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new InvalidJobException("url", "must be an absolute http or https URL");
    }
    if (parsed.getHost() == null) {
      throw new InvalidJobException("url", "must name a host");
    }
    if (parsed.getRawUserInfo() != null) {
      throw new InvalidJobException("url", "must not carry user information; use a header");
    }
    Map<String, String> checked = new LinkedHashMap<>();
    if (headers != null) {
      if (headers.size() > MAX_HEADERS) {
        throw new InvalidJobException("headers", "has more than " + MAX_HEADERS + " entries");
      }
      Map<String, String> seen = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (Map.Entry<String, String> header : headers.entrySet()) {
        String name = header.getKey();
        String value = header.getValue();
        if (name == null || !TOKEN.matcher(name).matches()) {
          throw new InvalidJobException("headers", "'" + name + "' is not a header name");
        }
        if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
          throw new InvalidJobException("headers." + name, "is set by Kairos and cannot be given");
        }
        if (auth != null && name.equalsIgnoreCase("authorization")) {
          throw new InvalidJobException(
              "headers." + name, "is set from auth.oauthCredential and cannot also be given");
        }
        if (seen.put(name, name) != null) {
          throw new InvalidJobException("headers." + name, "is given twice");
        }
        if (value == null
            || value.length() > MAX_HEADER_VALUE
            || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
          throw new InvalidJobException(
              "headers." + name, "must be a single line of at most " + MAX_HEADER_VALUE + " chars");
        }
        checked.put(name, value);
      }
    }
    headers = Map.copyOf(checked);
    if (body instanceof NullNode) {
      body = null;
    }
    if (body != null) {
      if (method.equals("GET")) {
        throw new InvalidJobException("body", "cannot be sent with GET");
      }
      if (bodyBytes(body).length > MAX_BODY_BYTES) {
        throw new InvalidJobException("body", "is larger than " + MAX_BODY_BYTES + " bytes");
      }
    }
    if (timeout != null
        && (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0)) {
      throw new InvalidJobException("timeout", "must be between PT1S and PT5M");
    }
    if (auth != null
        && (auth.oauthCredential() == null
            || !CREDENTIAL_ID.matcher(auth.oauthCredential()).matches())) {
      throw new InvalidJobException(
          "auth.oauthCredential", "must name a credential ([A-Za-z0-9._:-]{1,200})");
    }
  }

  /** Without authentication of Kairos's making. */
  public WebhookPayload(
      String method, String url, Map<String, String> headers, JsonNode body, Duration timeout) {
    this(method, url, headers, body, timeout, null);
  }

  /** The URL, parsed (it was checked to parse). */
  public URI uri() {
    return URI.create(url);
  }

  /** The bytes sent as the body (empty without one). */
  public byte[] bodyBytes() {
    return body == null ? new byte[0] : bodyBytes(body);
  }

  private static byte[] bodyBytes(JsonNode body) {
    return (body.isTextual() ? body.textValue() : body.toString()).getBytes(StandardCharsets.UTF_8);
  }

  /** The Content-Type sent when no header names one, or null without a body. */
  String defaultContentType() {
    if (body == null) {
      return null;
    }
    return body.isTextual() ? "text/plain; charset=utf-8" : "application/json";
  }

  @Override
  public String toString() {
    // Header values may be credentials (Authorization); bodies may be personal data.
    return "WebhookPayload["
        + method
        + " "
        + url
        + ", headers "
        + headers.keySet()
        + (auth == null ? "" : ", " + auth)
        + "]";
  }
}
