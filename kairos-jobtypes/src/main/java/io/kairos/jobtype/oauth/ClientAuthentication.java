package io.kairos.jobtype.oauth;

import io.kairos.job.InvalidJobException;
import java.util.Arrays;

/** How the client authenticates to the token endpoint (RFC 6749 §2.3.1). */
public enum ClientAuthentication {
  /** HTTP Basic with the form-encoded client id and secret (the default). */
  CLIENT_SECRET_BASIC("client_secret_basic"),
  /** {@code client_id} and {@code client_secret} in the request body. */
  CLIENT_SECRET_POST("client_secret_post"),
  /** A public client: {@code client_id} in the body, no secret. */
  NONE("none");

  private final String wireName;

  ClientAuthentication(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static ClientAuthentication of(String name) {
    if (name == null) {
      return CLIENT_SECRET_BASIC;
    }
    return Arrays.stream(values())
        .filter(a -> a.wireName.equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new InvalidJobException(
                    "clientAuthentication",
                    "must be 'client_secret_basic', 'client_secret_post' or 'none'"));
  }
}
