package io.kairos.api.audit;

import io.kairos.job.InvalidJobException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the audit trail for {@code GET /api/v1/audit} and the dashboard's page alike: filters
 * checked (400 naming the field), newest first, keyset pages with opaque cursors.
 */
public class AuditReader {

  public static final int DEFAULT_PAGE = 50;
  public static final int MAX_PAGE = 500;
  private static final String CURSOR = "audit:";

  private final AuditStore store;

  AuditReader(AuditStore store) {
    this.store = store;
  }

  /** One page; every argument may be null (no filter, the first page, the default size). */
  public AuditPage read(
      String actor,
      String action,
      String target,
      String since,
      String until,
      String cursor,
      Integer limit) {
    return page(filter(actor, action, target, since, until), cursor, limit);
  }

  private AuditPage page(AuditFilter filter, String cursor, Integer limit) {
    int size = limit == null ? DEFAULT_PAGE : limit;
    if (size < 1 || size > MAX_PAGE) {
      throw new InvalidJobException("limit", "must be between 1 and " + MAX_PAGE);
    }
    Long before = cursor == null || cursor.isEmpty() ? null : decode(cursor);
    List<AuditEntry> page = store.page(filter, before, size + 1);
    List<AuditEntry> shown = page.subList(0, Math.min(size, page.size()));
    String next = page.size() > size ? encode(shown.get(size - 1).id()) : null;
    return new AuditPage(List.copyOf(shown), next);
  }

  static AuditFilter filter(
      String actor, String action, String target, String since, String until) {
    if (action != null && !action.isEmpty() && AuditAction.parse(action).isEmpty()) {
      throw new InvalidJobException(
          "action",
          "must be one of "
              + Arrays.stream(AuditAction.values())
                  .map(AuditAction::text)
                  .collect(Collectors.joining(", ")));
    }
    return new AuditFilter(
        blank(actor),
        blank(action),
        blank(target),
        instant("since", since),
        instant("until", until));
  }

  private static Instant instant(String field, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new InvalidJobException(
          field, "must be an ISO-8601 instant, e.g. 2026-01-31T09:00:00Z");
    }
  }

  private static String blank(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  static String encode(long id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((CURSOR + id).getBytes(StandardCharsets.UTF_8));
  }

  static long decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith(CURSOR)) {
        return Long.parseLong(text.substring(CURSOR.length()));
      }
    } catch (IllegalArgumentException e) {
      // not base64 or not a number: reported below
    }
    throw new InvalidJobException("cursor", "is not a cursor returned by this endpoint");
  }
}
