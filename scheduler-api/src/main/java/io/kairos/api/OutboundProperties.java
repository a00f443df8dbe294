package io.kairos.api;

import io.kairos.crypto.CipherSettings;
import io.kairos.crypto.SecretCipher;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.SenderDomains;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings the API shares with the workers to refuse, at creation, what the workers would
 * refuse at run time: where webhooks ({@code kairos.webhook.*}) and token endpoints ({@code
 * kairos.oauth.*}) may be, and the key sealing OAuth secrets ({@code kairos.encryption.*}). The
 * same keys as the worker's, read the same way; a bad value stops start-up naming the property.
 */
final class OutboundProperties {

  private OutboundProperties() {}

  static OutboundPolicy policy(
      List<String> hosts,
      boolean allowPrivate,
      List<String> networks,
      List<Integer> ports,
      String prefix) {
    try {
      return OutboundPolicy.of(
          hosts == null ? List.of() : hosts,
          allowPrivate,
          networks == null ? List.of() : networks,
          ports == null ? List.of() : ports);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(prefix + "." + e.getMessage(), e);
    }
  }

  /** {@code kairos.webhook.*}: where webhooks may go (the signing secret is the workers' only). */
  @ConfigurationProperties("kairos.webhook")
  record Webhook(
      List<String> allowedHosts,
      @DefaultValue("false") boolean allowPrivateNetworks,
      List<String> allowedNetworks,
      List<Integer> allowedPorts) {

    Webhook {
      allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
      allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
      allowedPorts = allowedPorts == null ? List.of() : List.copyOf(allowedPorts);
      OutboundProperties.policy(
          allowedHosts, allowPrivateNetworks, allowedNetworks, allowedPorts, "kairos.webhook");
    }

    OutboundPolicy policy() {
      return OutboundProperties.policy(
          allowedHosts, allowPrivateNetworks, allowedNetworks, allowedPorts, "kairos.webhook");
    }
  }

  /**
   * {@code kairos.email.allowed-sender-domains}: the domains e-mail jobs may be sent from (the SMTP
   * settings are the workers' only).
   */
  @ConfigurationProperties("kairos.email")
  record Email(List<String> allowedSenderDomains) {

    Email {
      allowedSenderDomains =
          allowedSenderDomains == null ? List.of() : List.copyOf(allowedSenderDomains);
      senderDomains(allowedSenderDomains);
    }

    SenderDomains senderDomains() {
      return senderDomains(allowedSenderDomains);
    }

    private static SenderDomains senderDomains(List<String> domains) {
      try {
        return new SenderDomains(domains);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "kairos.email.allowed-sender-domains: " + e.getMessage(), e);
      }
    }
  }

  /** {@code kairos.oauth.*}: where token endpoints may be. */
  @ConfigurationProperties("kairos.oauth")
  record OAuth(
      @DefaultValue("true") boolean requireHttps,
      List<String> allowedHosts,
      @DefaultValue("false") boolean allowPrivateNetworks,
      List<String> allowedNetworks,
      List<Integer> allowedPorts) {

    OAuth {
      allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
      allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
      allowedPorts = allowedPorts == null ? List.of() : List.copyOf(allowedPorts);
      OutboundProperties.policy(
          allowedHosts, allowPrivateNetworks, allowedNetworks, allowedPorts, "kairos.oauth");
    }

    OutboundPolicy policy() {
      return OutboundProperties.policy(
              allowedHosts, allowPrivateNetworks, allowedNetworks, allowedPorts, "kairos.oauth")
          .withRequireHttps(requireHttps);
    }
  }

  /**
   * {@code kairos.encryption.*} ({@code KAIROS_ENCRYPTION_KEY}, {@code KAIROS_ENCRYPTION_KEY_ID},
   * {@code KAIROS_ENCRYPTION_RETIRED_KEYS}), parsed as the workers parse it.
   */
  @ConfigurationProperties("kairos.encryption")
  record Encryption(String key, @DefaultValue("k1") String keyId, String retiredKeys) {

    Encryption {
      CipherSettings.cipher(key, keyId, retiredKeys);
    }

    /** The cipher, or null when no key is configured. */
    SecretCipher cipher() {
      return CipherSettings.cipher(key, keyId, retiredKeys);
    }

    @Override
    public String toString() {
      return "Encryption[key id "
          + keyId
          + (key == null || key.isBlank() ? ", no key" : ", key hidden")
          + "]";
    }
  }
}
