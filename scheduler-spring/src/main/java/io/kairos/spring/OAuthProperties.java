package io.kairos.spring;

import io.kairos.outbound.OutboundPolicy;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kairos.oauth.*}: how credentials are refreshed, and where their token endpoints may be.
 *
 * @param refreshMargin refresh this long before the access token expires (at most half its life)
 * @param refreshWithoutExpiry when to refresh a token whose response said nothing of its expiry
 * @param timeout how long one token request may take
 * @param requireHttps refuse token endpoints that are not https
 * @param allowedHosts when set, the only hosts token endpoints may be on
 * @param allowPrivateNetworks allow token endpoints on loopback, private or link-local addresses
 * @param allowedNetworks CIDR blocks allowed even though private
 * @param allowedPorts ports token endpoints may be on besides 80 and 443
 */
@Validated
@ConfigurationProperties("kairos.oauth")
public record OAuthProperties(
    @NotNull @DefaultValue("5m") Duration refreshMargin,
    @NotNull @DefaultValue("1h") Duration refreshWithoutExpiry,
    @NotNull @DefaultValue("10s") Duration timeout,
    @DefaultValue("true") boolean requireHttps,
    List<String> allowedHosts,
    @DefaultValue("false") boolean allowPrivateNetworks,
    List<String> allowedNetworks,
    List<Integer> allowedPorts) {

  public OAuthProperties {
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
    allowedPorts = allowedPorts == null ? List.of() : List.copyOf(allowedPorts);
    if (refreshMargin.isNegative()) {
      throw new IllegalArgumentException("kairos.oauth.refresh-margin must not be negative");
    }
    if (refreshWithoutExpiry.isNegative() || refreshWithoutExpiry.isZero()) {
      throw new IllegalArgumentException("kairos.oauth.refresh-without-expiry must be positive");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("kairos.oauth.timeout must be positive");
    }
    WebhookProperties.policy(
        allowedHosts, allowPrivateNetworks, allowedNetworks, allowedPorts, "kairos.oauth");
  }

  /**
   * Where token endpoints may be. {@code require-https} is part of it, so every request to a token
   * endpoint (not only the creation of a credential) refuses plain http.
   */
  public OutboundPolicy policy() {
    return WebhookProperties.policy(
            allowedHosts, allowPrivateNetworks, allowedNetworks, allowedPorts, "kairos.oauth")
        .withRequireHttps(requireHttps);
  }
}
