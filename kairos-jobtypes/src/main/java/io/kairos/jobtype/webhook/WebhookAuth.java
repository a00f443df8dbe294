package io.kairos.jobtype.webhook;

/**
 * How a webhook authenticates: {@code {"oauthCredential": "crm"}} sends {@code Authorization:
 * Bearer <the credential's current access token>}, refreshed first when it has expired or is about
 * to. The payload names the credential, never a token.
 */
public record WebhookAuth(String oauthCredential) {

  @Override
  public String toString() {
    return "WebhookAuth[oauthCredential=" + oauthCredential + "]";
  }
}
