package io.kairos.api.job;

import io.kairos.api.problem.InputText;
import io.kairos.job.InvalidJobException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Page sizes and opaque keyset cursors, the same for every list endpoint. */
public final class Paging {

  public static final int DEFAULT_PAGE = 50;
  public static final int MAX_PAGE = 500;

  /** What every list endpoint's {@code limit} parameter says of itself, from the values above. */
  public static final String LIMIT_DESCRIPTION = "page size, 1 to " + MAX_PAGE;

  public static final String LIMIT_MAX = "" + MAX_PAGE;
  public static final String LIMIT_DEFAULT = "" + DEFAULT_PAGE;

  private Paging() {}

  /** The page size asked for, or the default; 400 naming {@code limit} when out of range. */
  public static int checkLimit(Integer limit) {
    if (limit == null) {
      return DEFAULT_PAGE;
    }
    if (limit < 1 || limit > MAX_PAGE) {
      throw new InvalidJobException("limit", "must be between 1 and " + MAX_PAGE);
    }
    return limit;
  }

  /** An opaque cursor for a position in a list of this kind ({@code "job:"}, …). */
  public static String encodeCursor(String kind, String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((kind + position).getBytes(StandardCharsets.UTF_8));
  }

  /** The position in a cursor of this kind; 400 naming {@code cursor} otherwise. */
  public static String decodeCursor(String kind, String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith(kind)
          && text.length() > kind.length()
          && InputText.controlCharacterIn(text, false) < 0) {
        return text.substring(kind.length());
      }
    } catch (IllegalArgumentException e) {
      // not base64: reported below
    }
    throw new InvalidJobException("cursor", "is not a cursor returned by this endpoint");
  }
}
