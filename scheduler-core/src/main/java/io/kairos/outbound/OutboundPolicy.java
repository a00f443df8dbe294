package io.kairos.outbound;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where Kairos may send requests on a user's behalf (webhooks, OAuth token endpoints), so that
 * nobody can use a job to reach what only the workers can reach (SSRF).
 *
 * <ul>
 *   <li>{@code allowedHosts}: when not empty, the only host names (or IP literals) a URL may name;
 *       {@code *.example.com} allows every subdomain of example.com (not example.com itself).
 *   <li>Addresses that are not public — loopback, private (RFC 1918, IPv6 ULA), link-local (incl.
 *       169.254.169.254, the cloud metadata service), shared, reserved, multicast, unspecified,
 *       also as IPv4 embedded in IPv6 — are refused unless {@code allowPrivateNetworks}, or unless
 *       they lie in one of {@code allowedNetworks}.
 * </ul>
 *
 * The URL is checked when a job is created ({@link #check(URI)}: names and IP literals, and the
 * addresses the name resolves to now) and again before every request and every redirect hop ({@link
 * #resolve(URI, Resolver)}: every address the name resolves to must pass).
 */
public record OutboundPolicy(
    List<String> allowedHosts, boolean allowPrivateNetworks, List<Cidr> allowedNetworks) {

  /** Any public host; nothing private. */
  public static final OutboundPolicy PUBLIC_ONLY = new OutboundPolicy(List.of(), false, List.of());

  public OutboundPolicy {
    allowedHosts =
        allowedHosts == null
            ? List.of()
            : allowedHosts.stream().map(OutboundPolicy::normaliseEntry).toList();
    allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
  }

  private static String normaliseEntry(String entry) {
    if (entry == null || entry.isBlank()) {
      throw new IllegalArgumentException("an allowed host must not be blank");
    }
    String e = entry.trim().toLowerCase(Locale.ROOT);
    if (e.startsWith("*.")) {
      if (e.length() < 3 || e.substring(2).contains("*")) {
        throw new IllegalArgumentException("'" + entry + "' is not a host or *.domain pattern");
      }
      return e;
    }
    if (e.contains("*") || e.contains("/") || e.contains(":") && !IpLiterals.isLiteral(e)) {
      throw new IllegalArgumentException("'" + entry + "' is not a host or *.domain pattern");
    }
    return e;
  }

  /**
   * A policy from its settings as written in configuration ({@code allowed-hosts}, {@code
   * allow-private-networks}, {@code allowed-networks}), so worker and API read them alike.
   *
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  public static OutboundPolicy of(
      List<String> allowedHosts, boolean allowPrivateNetworks, List<String> allowedNetworks) {
    List<Cidr> networks;
    try {
      networks =
          (allowedNetworks == null ? List.<String>of() : allowedNetworks)
              .stream().map(Cidr::parse).toList();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("allowed-networks: " + e.getMessage(), e);
    }
    try {
      return new OutboundPolicy(allowedHosts, allowPrivateNetworks, networks);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("allowed-hosts: " + e.getMessage(), e);
    }
  }

  /**
   * Checks a URL without connecting: scheme, host, allow-list, IP literals, and the addresses its
   * host resolves to now (a host that does not resolve yet passes; it is checked again before each
   * request).
   *
   * @throws OutboundRefused naming what is wrong
   */
  public void check(URI url) throws OutboundRefused {
    check(url, Resolver.SYSTEM);
  }

  /** As {@link #check(URI)}, with the given resolver. */
  public void check(URI url, Resolver resolver) throws OutboundRefused {
    String host = hostOf(url);
    if (IpLiterals.isLiteral(host)) {
      checkAddress(host, IpLiterals.parse(host));
      return;
    }
    try {
      for (InetAddress address : resolver.resolve(host)) {
        checkAddress(host, address);
      }
    } catch (UnknownHostException e) {
      // Not resolvable now; the request-time check decides.
    }
  }

  /**
   * Resolves the URL's host and checks every address it has, before a request (or a redirect hop)
   * is sent.
   *
   * @return the checked addresses
   * @throws OutboundRefused if the URL or any of its addresses is not allowed
   * @throws UnknownHostException if the host does not resolve (a transient condition)
   */
  public List<InetAddress> resolve(URI url, Resolver resolver)
      throws OutboundRefused, UnknownHostException {
    String host = hostOf(url);
    List<InetAddress> addresses =
        IpLiterals.isLiteral(host) ? List.of(IpLiterals.parse(host)) : resolver.resolve(host);
    if (addresses.isEmpty()) {
      throw new UnknownHostException(host);
    }
    for (InetAddress address : addresses) {
      checkAddress(host, address);
    }
    return addresses;
  }

  /** Whether Kairos would refuse this address as not public (before the allowed networks). */
  public static boolean isNonPublic(InetAddress address) {
    return IpLiterals.isNonPublic(address);
  }

  private String hostOf(URI url) throws OutboundRefused {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new OutboundRefused("must be an http or https URL");
    }
    if (url.getRawUserInfo() != null) {
      throw new OutboundRefused("must not carry user information");
    }
    String host = url.getHost();
    if (host == null || host.isBlank()) {
      throw new OutboundRefused("must name a host");
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (!IpLiterals.isLiteral(host)) {
      try {
        host = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw new OutboundRefused("host '" + host + "' is not a valid host name");
      }
    }
    if (!allowedHosts.isEmpty() && !onAllowList(host)) {
      throw new OutboundRefused("host '" + host + "' is not on the allow-list");
    }
    return host;
  }

  private boolean onAllowList(String host) {
    for (String entry : allowedHosts) {
      if (entry.startsWith("*.")) {
        if (host.endsWith(entry.substring(1)) && host.length() > entry.length() - 1) {
          return true;
        }
      } else if (entry.equals(host)
          || IpLiterals.isLiteral(entry)
              && IpLiterals.isLiteral(host)
              && IpLiterals.parse(entry).equals(IpLiterals.parse(host))) {
        return true;
      }
    }
    return false;
  }

  private void checkAddress(String host, InetAddress address) throws OutboundRefused {
    if (allowPrivateNetworks || !IpLiterals.isNonPublic(address)) {
      return;
    }
    for (Cidr network : allowedNetworks) {
      if (network.contains(address)) {
        return;
      }
    }
    String shown = address.getHostAddress();
    throw new OutboundRefused(
        (host.equals(shown) ? "address " + shown : "host '" + host + "' resolves to " + shown)
            + ", which is a private, loopback or link-local address");
  }
}
