package io.kairos.spring;

import io.kairos.jobtype.webhook.WebhookSigner;
import io.kairos.outbound.OutboundPolicy;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code kairos.webhook.*}.
 *
 * @param signingSecret {@code whsec_<base64 of 24–64 random bytes>} (Standard Webhooks); without it
 *     webhooks are not sent (they fail permanently)
 * @param allowedHosts when set, the only hosts webhooks may target ({@code *.example.com} for
 *     subdomains)
 * @param allowPrivateNetworks allow loopback, private and link-local targets (off: refused)
 * @param allowedNetworks CIDR blocks allowed even though private (e.g. one intranet service)
 * @param allowedPorts ports webhooks may target besides 80 and 443
 * @param defaultTimeout how long one request may take when the payload sets no timeout
 * @param connectTimeout how long connecting may take
 */
@Validated
@ConfigurationProperties("kairos.webhook")
public record WebhookProperties(
    String signingSecret,
    List<String> allowedHosts,
    @DefaultValue("false") boolean allowPrivateNetworks,
    List<String> allowedNetworks,
    List<Integer> allowedPorts,
    @NotNull @DefaultValue("10s") Duration defaultTimeout,
    @NotNull @DefaultValue("5s") Duration connectTimeout) {

  public WebhookProperties {
    signingSecret = signingSecret == null || signingSecret.isBlank() ? null : signingSecret.trim();
    if (signingSecret != null) {
      try {
        WebhookSigner.of(signingSecret);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("kairos.webhook.signing-secret " + e.getMessage());
      }
    }
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
    allowedPorts = allowedPorts == null ? List.of() : List.copyOf(allowedPorts);
    policy(allowedHosts, allowPrivateNetworks, allowedNetworks, allowedPorts, "kairos.webhook");
  }

  public OutboundPolicy policy() {
    return policy(
        allowedHosts, allowPrivateNetworks, allowedNetworks, allowedPorts, "kairos.webhook");
  }

  public WebhookSigner signer() {
    return signingSecret == null ? null : WebhookSigner.of(signingSecret);
  }

  static OutboundPolicy policy(
      List<String> hosts,
      boolean allowPrivate,
      List<String> networks,
      List<Integer> ports,
      String prefix) {
    try {
      return OutboundPolicy.of(hosts, allowPrivate, networks, ports);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(prefix + "." + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "WebhookProperties[signing secret "
        + (signingSecret == null ? "not set" : "hidden")
        + ", allowed hosts "
        + allowedHosts
        + ", private networks "
        + (allowPrivateNetworks ? "allowed" : "refused")
        + ", extra ports "
        + allowedPorts
        + "]";
  }
}
