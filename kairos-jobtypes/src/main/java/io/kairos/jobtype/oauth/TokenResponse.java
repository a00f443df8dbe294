package io.kairos.jobtype.oauth;

import java.time.Duration;

/**
 * A successful token response (RFC 6749 §5.1).
 *
 * @param expiresIn the access token's lifetime, if the server said
 * @param refreshToken a new refresh token, if the server rotated it (then the old one is void)
 */
public record TokenResponse(
    String accessToken, String tokenType, Duration expiresIn, String refreshToken, String scope) {

  @Override
  public String toString() {
    return "TokenResponse["
        + tokenType
        + ", expires in "
        + expiresIn
        + (refreshToken == null ? "" : ", refresh token rotated")
        + ", tokens hidden]";
  }
}
