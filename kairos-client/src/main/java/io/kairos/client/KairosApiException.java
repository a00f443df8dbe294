package io.kairos.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The API refused a request: an RFC 9457 problem ({@code application/problem+json}) or, from
 * something in front of the API, any other error status. {@link #field()} is the JSON path of the
 * request field the API found wrong ({@code type}, {@code schedule.cron}, {@code
 * notify[0].webhook}, {@code limit}, …) when it names one; {@link #properties()} holds the
 * problem's other members ({@code state}, {@code runningOn}, {@code limit}, …). {@link
 * #retryAfter()} is the response's {@code Retry-After}: with {@code 429} (a quota or too many
 * failed authentications), {@code 503}, and {@code 409} for a job that is running right now.
 */
public sealed class KairosApiException extends KairosException permits StaleJobVersionException {

  private final int status;
  private final String title;
  private final String detail;
  private final String field;
  private final Duration retryAfter;
  private final Map<String, JsonNode> properties;

  KairosApiException(
      String operation,
      int status,
      String title,
      String detail,
      String field,
      Duration retryAfter,
      Map<String, JsonNode> properties) {
    super(message(operation, status, title, detail, field), null);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.field = field;
    this.retryAfter = retryAfter;
    this.properties = Map.copyOf(properties);
  }

  private static String message(
      String operation, int status, String title, String detail, String field) {
    StringBuilder message = new StringBuilder(operation).append(": ").append(status);
    if (title != null) {
      message.append(' ').append(title);
    }
    if (detail != null) {
      message.append(": ").append(detail);
    }
    if (field != null) {
      message.append(" (field ").append(field).append(')');
    }
    return message.toString();
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /**
   * The problem's title ({@code Invalid request}, {@code Not found}, …), or the status's reason.
   */
  public String title() {
    return title;
  }

  /** What went wrong, in the API's words; null when the response had no problem body. */
  public String detail() {
    return detail;
  }

  /** The JSON path of the offending request field, when the problem names one. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  /** How long to wait before trying again, when the response said so. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** The problem's members besides type, title, status, detail, instance and field. */
  public Map<String, JsonNode> properties() {
    return properties;
  }

  /** Whether the API found no such job (or dead job). */
  public boolean isNotFound() {
    return status == 404;
  }
}
