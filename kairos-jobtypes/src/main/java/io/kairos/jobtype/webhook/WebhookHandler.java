package io.kairos.jobtype.webhook;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.job.BearerTokens;
import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.TransientJobFailure;
import io.kairos.outbound.OutboundHttp;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.OutboundRefused;
import io.kairos.outbound.RetryAfter;
import io.kairos.outbound.SecretForms;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sends one signed HTTP request. Every attempt of an occurrence carries the same {@code
 * Idempotency-Key} and {@code webhook-id} (the occurrence id), so a receiver can recognise a
 * retried or re-run delivery; {@code webhook-timestamp} and the signature are the attempt's own.
 *
 * <p>2xx is success. 408, 429 and 5xx, network errors and timeouts are transient (retried by both
 * tiers, honouring {@code Retry-After}); other statuses are permanent, and so is a target the
 * {@link OutboundPolicy} refuses, before or after DNS resolution or on a redirect. The status and
 * the start of the response body go to the attempt's history, without the request's header and
 * query values should the receiver echo them.
 *
 * <p>An attempt asked to stop (a cancel, its timeout) sends nothing if it has not sent yet, and
 * abandons a request in flight when its thread is interrupted after the cancel grace.
 *
 * <p>A payload naming an OAuth credential ({@code auth.oauthCredential}) is sent with {@code
 * Authorization: Bearer} and the credential's current access token, fetched (and refreshed first if
 * need be) through {@link BearerTokens} on every try; the token goes nowhere else.
 */
public final class WebhookHandler implements JobHandler<WebhookPayload> {

  /** How much of a response body is kept in history. */
  public static final int EXCERPT_LENGTH = 500;

  static final int MAX_REDIRECTS = 5;
  static final String USER_AGENT = "Kairos-Webhook/1";

  private final OutboundHttp http;
  private final WebhookSigner signer;
  private final Duration defaultTimeout;
  private final Clock clock;
  private final BearerTokens bearerTokens;

  /**
   * @param signer null when no signing secret is configured: then every webhook fails permanently,
   *     as unsigned requests are never sent
   * @param bearerTokens access tokens of stored OAuth credentials; null when this worker has none
   *     (then a webhook naming a credential fails permanently)
   */
  public WebhookHandler(
      OutboundHttp http,
      WebhookSigner signer,
      Duration defaultTimeout,
      Clock clock,
      BearerTokens bearerTokens) {
    this.http = Objects.requireNonNull(http, "http");
    this.signer = signer;
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.bearerTokens = bearerTokens;
  }

  /** Without OAuth credentials. */
  public WebhookHandler(
      OutboundHttp http, WebhookSigner signer, Duration defaultTimeout, Clock clock) {
    this(http, signer, defaultTimeout, clock, null);
  }

  @Override
  public void handle(WebhookPayload payload, JobContext context) throws InterruptedException {
    if (signer == null) {
      throw new PermanentJobFailure(
          "webhooks are not sent unsigned, and kairos.webhook.signing-secret is not set");
    }
    byte[] body = payload.bodyBytes();
    String messageId = context.occurrenceId();
    long timestamp = clock.now().getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", USER_AGENT);
    String contentType = payload.defaultContentType();
    if (contentType != null
        && payload.headers().keySet().stream().noneMatch("content-type"::equalsIgnoreCase)) {
      headers.put("Content-Type", contentType);
    }
    payload.headers().forEach(headers::put);
    String bearer = null;
    if (payload.auth() != null) {
      if (bearerTokens == null) {
        throw new PermanentJobFailure(
            "this webhook names OAuth credential '"
                + payload.auth().oauthCredential()
                + "', and this worker has no OAuth credentials");
      }
      bearer = bearerTokens.currentAccessToken(payload.auth().oauthCredential(), payload.uri());
      headers.put("Authorization", "Bearer " + bearer);
    }
    headers.put("webhook-id", messageId);
    headers.put("webhook-timestamp", Long.toString(timestamp));
    headers.put("webhook-signature", signer.sign(messageId, timestamp, body));
    headers.put("Idempotency-Key", messageId);
    Duration timeout = payload.timeout() != null ? payload.timeout() : defaultTimeout;

    // Asked to stop (a cancel, the job's timeout) before anything was sent: nothing is sent. Once
    // sent, the interrupt after the grace abandons the request; a delivery it made anyway carries
    // the occurrence's idempotency key.
    context.throwIfCancelled();
    OutboundHttp.Response response;
    try {
      response =
          http.send(
              new OutboundHttp.Request(
                  payload.method(),
                  payload.uri(),
                  headers,
                  payload.body() == null ? null : body,
                  timeout),
              MAX_REDIRECTS,
              EXCERPT_LENGTH * 4);
    } catch (OutboundRefused e) {
      throw new PermanentJobFailure("refused to send to " + payload.url() + ": " + e.getMessage());
    } catch (HttpTimeoutException e) {
      throw new TransientJobFailure("no response within " + timeout, e);
    } catch (IOException e) {
      throw new TransientJobFailure(describe(e), e);
    }

    String summary = summary(response, payload, bearer);
    context.report(summary);
    int status = response.status();
    if (status >= 200 && status < 300) {
      return;
    }
    if (status == 408 || status == 429 || status >= 500) {
      throw new TransientJobFailure(
          summary,
          null,
          response
              .header("Retry-After")
              .flatMap(h -> RetryAfter.parse(h, clock.now()))
              .orElse(null));
    }
    throw new PermanentJobFailure(summary);
  }

  private static String summary(
      OutboundHttp.Response response, WebhookPayload payload, String bearer) {
    // Blanked out before the excerpt is cut, so no secret is kept in part at its end.
    String excerpt =
        excerpt(
            redact(response.body(), payload, bearer == null ? List.of() : List.of(bearer)),
            response.truncated());
    String redirected =
        response.redirects() > 0 ? " (after " + response.redirects() + " redirects)" : "";
    return "HTTP " + response.status() + redirected + (excerpt.isEmpty() ? "" : ": " + excerpt);
  }

  static String excerpt(String body, boolean truncated) {
    // Line and paragraph separators too: the excerpt reaches the worker's log.
    String flat = body.replaceAll("[[\\p{Cntrl}\\u2028\\u2029]&&[^\\t]]+", " ").strip();
    if (flat.length() > EXCERPT_LENGTH) {
      return flat.substring(0, EXCERPT_LENGTH) + "…";
    }
    return truncated && !flat.isEmpty() ? flat + "…" : flat;
  }

  /**
   * The excerpt without the request's credentials. History is readable with {@code jobs:read}, and
   * a receiver may echo the request (debug endpoints, error pages quoting it), so every header
   * value and query parameter value the payload carries is blanked out wherever it shows, as sent
   * and URL-decoded, and in every form {@link SecretForms} knows (JSON-escaped, URL-encoded,
   * base64, …). Values shorter than {@value #MIN_REDACTED} characters are left: they are not
   * credentials, and blanking them would blank ordinary words.
   */
  static String redact(String excerpt, WebhookPayload payload) {
    return redact(excerpt, payload, List.of());
  }

  /**
   * As {@link #redact(String, WebhookPayload)}, and {@code sent} (an OAuth access token) too, at
   * any length.
   */
  static String redact(String excerpt, WebhookPayload payload, List<String> sent) {
    if (excerpt.isEmpty()) {
      return excerpt;
    }
    Set<String> secrets =
        new TreeSet<>(
            Comparator.comparingInt(String::length)
                .reversed()
                .thenComparing(Comparator.naturalOrder()));
    secrets.addAll(payload.headers().values());
    String query = payload.uri().getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq >= 0) {
          String raw = pair.substring(eq + 1);
          secrets.add(raw);
          try {
            secrets.add(URLDecoder.decode(raw, StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            // Not percent-encoding after all: the raw value is blanked out all the same.
          }
        }
      }
    }
    // What Kairos itself sent (an access token) is a credential whatever its length.
    String redacted = SecretForms.redact(excerpt, sent, 1);
    return SecretForms.redact(redacted, secrets, MIN_REDACTED);
  }

  static final int MIN_REDACTED = 8;
  static final String REDACTED = SecretForms.REDACTED;

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
