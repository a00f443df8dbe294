package io.kairos.jobtype.oauth;

import io.kairos.job.InvalidJobException;
import io.kairos.job.NewJob;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A credential to store: where to refresh it, how, and its secrets. The refresh_token grant needs a
 * {@code refreshToken}; the client_credentials grant a {@code clientSecret} (unless the client
 * authenticates with {@code none}, which client_credentials does not allow). Failures name the
 * field, for a {@code 400}. {@code binding} says where its token may be sent and who besides admins
 * may use it ({@link CredentialBinding#NONE} when not given: nowhere, admins only).
 */
public record NewCredential(
    String id,
    String tokenEndpoint,
    GrantType grantType,
    String clientId,
    String clientSecret,
    ClientAuthentication clientAuthentication,
    String refreshToken,
    String scope,
    String createdBy,
    CredentialBinding binding) {

  static final int MAX_SECRET = 8192;

  /** Bound to no target and to admin keys only, until an admin binds it. */
  public NewCredential(
      String id,
      String tokenEndpoint,
      GrantType grantType,
      String clientId,
      String clientSecret,
      ClientAuthentication clientAuthentication,
      String refreshToken,
      String scope,
      String createdBy) {
    this(
        id,
        tokenEndpoint,
        grantType,
        clientId,
        clientSecret,
        clientAuthentication,
        refreshToken,
        scope,
        createdBy,
        CredentialBinding.NONE);
  }

  public NewCredential {
    binding = binding == null ? CredentialBinding.NONE : binding;
    if (id == null || !NewJob.ID.matcher(id).matches()) {
      throw new InvalidJobException("id", "must match [A-Za-z0-9._:-]{1,200}");
    }
    if (tokenEndpoint == null || tokenEndpoint.isBlank()) {
      throw new InvalidJobException("tokenEndpoint", "is required");
    }
    try {
      URI uri = new URI(tokenEndpoint);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
        throw new InvalidJobException("tokenEndpoint", "must be an absolute https URL");
      }
      if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
        throw new InvalidJobException(
            "tokenEndpoint", "must not carry user information or a fragment");
      }
    } catch (URISyntaxException e) {
      throw new InvalidJobException("tokenEndpoint", "is not a valid URL");
    }
    if (grantType == null) {
      throw new InvalidJobException("grantType", "must be 'refresh_token' or 'client_credentials'");
    }
    if (clientId == null || clientId.isBlank() || clientId.length() > 1000) {
      throw new InvalidJobException("clientId", "is required (at most 1000 characters)");
    }
    clientAuthentication =
        clientAuthentication == null
            ? (clientSecret == null
                ? ClientAuthentication.NONE
                : ClientAuthentication.CLIENT_SECRET_BASIC)
            : clientAuthentication;
    if (clientAuthentication == ClientAuthentication.NONE) {
      if (clientSecret != null) {
        throw new InvalidJobException(
            "clientSecret", "is not sent with clientAuthentication 'none'");
      }
      if (grantType == GrantType.CLIENT_CREDENTIALS) {
        throw new InvalidJobException(
            "clientSecret", "is required for the client_credentials grant");
      }
    } else if (clientSecret == null || clientSecret.isEmpty()) {
      throw new InvalidJobException("clientSecret", "is required");
    }
    if (grantType == GrantType.REFRESH_TOKEN && (refreshToken == null || refreshToken.isEmpty())) {
      throw new InvalidJobException("refreshToken", "is required for the refresh_token grant");
    }
    if (grantType == GrantType.CLIENT_CREDENTIALS && refreshToken != null) {
      throw new InvalidJobException("refreshToken", "has no use with client_credentials");
    }
    if (clientSecret != null && clientSecret.length() > MAX_SECRET) {
      throw new InvalidJobException("clientSecret", "is too long");
    }
    if (refreshToken != null && refreshToken.length() > MAX_SECRET) {
      throw new InvalidJobException("refreshToken", "is too long");
    }
    if (scope != null && (scope.length() > 2000 || scope.chars().anyMatch(c -> c < 0x20))) {
      throw new InvalidJobException("scope", "must be a space-separated list of scopes");
    }
  }

  public URI tokenEndpointUri() {
    return URI.create(tokenEndpoint);
  }

  @Override
  public String toString() {
    return "NewCredential["
        + id
        + ", "
        + grantType.wireName()
        + " at "
        + tokenEndpoint
        + ", client "
        + clientId
        + ", secrets hidden]";
  }
}
