package io.kairos.jobtype.oauth;

import io.kairos.job.InvalidJobException;
import java.util.Arrays;

/** How a credential gets new tokens: RFC 6749 §6 (refresh token) or §4.4 (client credentials). */
public enum GrantType {
  REFRESH_TOKEN("refresh_token"),
  CLIENT_CREDENTIALS("client_credentials");

  private final String wireName;

  GrantType(String wireName) {
    this.wireName = wireName;
  }

  /** As in the {@code grant_type} parameter, and in the API. */
  public String wireName() {
    return wireName;
  }

  public static GrantType of(String name) {
    return Arrays.stream(values())
        .filter(g -> g.wireName.equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new InvalidJobException(
                    "grantType", "must be 'refresh_token' or 'client_credentials'"));
  }
}
