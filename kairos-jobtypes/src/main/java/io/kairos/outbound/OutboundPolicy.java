package io.kairos.outbound;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

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
 *   <li>Ports: 80 and 443, and those in {@code allowedPorts}; an explicit port anywhere else is
 *       refused (an internal service on an odd port of a public host is no webhook target).
 *   <li>{@code requireHttps}: plain http refused (token endpoints carry client secrets).
 *   <li>IPv6 zone ids ({@code http://[fe80::1%25eth0]/}) are refused.
 * </ul>
 *
 * The URL is checked when a job is created ({@link #check(URI)}: names and IP literals, and the
 * addresses the name resolves to now) and again before every request and every redirect hop ({@link
 * #resolve(URI, Resolver)}: every address the name resolves to must pass).
 */
public record OutboundPolicy(
    List<String> allowedHosts,
    boolean allowPrivateNetworks,
    List<Cidr> allowedNetworks,
    Set<Integer> allowedPorts,
    boolean requireHttps) {

  /** The ports every policy allows: http's and https's. */
  public static final Set<Integer> STANDARD_PORTS = Set.of(80, 443);

  /** Any public host on ports 80 and 443; nothing private. */
  public static final OutboundPolicy PUBLIC_ONLY = new OutboundPolicy(List.of(), false, List.of());

  public OutboundPolicy {
    allowedHosts =
        allowedHosts == null
            ? List.of()
            : allowedHosts.stream().map(OutboundPolicy::normaliseEntry).toList();
    allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
    Set<Integer> ports = new TreeSet<>(STANDARD_PORTS);
    if (allowedPorts != null) {
      for (Integer port : allowedPorts) {
        if (port == null || port < 1 || port > 65535) {
          throw new IllegalArgumentException("'" + port + "' is not a port (1 to 65535)");
        }
        ports.add(port);
      }
    }
    allowedPorts = Collections.unmodifiableSet(ports);
  }

  /** Ports 80 and 443 only, http and https. */
  public OutboundPolicy(
      List<String> allowedHosts, boolean allowPrivateNetworks, List<Cidr> allowedNetworks) {
    this(allowedHosts, allowPrivateNetworks, allowedNetworks, Set.of(), false);
  }

  /** This policy, also allowing these ports (besides 80 and 443). */
  public OutboundPolicy withAllowedPorts(Collection<Integer> ports) {
    Set<Integer> all = new TreeSet<>(allowedPorts);
    all.addAll(ports);
    return new OutboundPolicy(
        allowedHosts, allowPrivateNetworks, allowedNetworks, all, requireHttps);
  }

  /** This policy, refusing plain http when {@code required}. */
  public OutboundPolicy withRequireHttps(boolean required) {
    return new OutboundPolicy(
        allowedHosts, allowPrivateNetworks, allowedNetworks, allowedPorts, required);
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
    return of(allowedHosts, allowPrivateNetworks, allowedNetworks, List.of());
  }

  /** As {@link #of(List, boolean, List)}, with the {@code allowed-ports} setting. */
  public static OutboundPolicy of(
      List<String> allowedHosts,
      boolean allowPrivateNetworks,
      List<String> allowedNetworks,
      List<Integer> allowedPorts) {
    Set<Integer> ports;
    try {
      ports =
          new OutboundPolicy(List.of(), false, List.of(), allowedPortsOf(allowedPorts), false)
              .allowedPorts();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("allowed-ports: " + e.getMessage(), e);
    }
    List<Cidr> networks;
    try {
      networks =
          (allowedNetworks == null ? List.<String>of() : allowedNetworks)
              .stream().map(Cidr::parse).toList();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("allowed-networks: " + e.getMessage(), e);
    }
    try {
      return new OutboundPolicy(allowedHosts, allowPrivateNetworks, networks, ports, false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("allowed-hosts: " + e.getMessage(), e);
    }
  }

  private static Set<Integer> allowedPortsOf(List<Integer> ports) {
    if (ports == null) {
      return Set.of();
    }
    Set<Integer> set = new HashSet<>();
    for (Integer port : ports) {
      if (port == null) {
        throw new IllegalArgumentException("'null' is not a port (1 to 65535)");
      }
      set.add(port);
    }
    return set;
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
    if (requireHttps && !scheme.equals("https")) {
      throw new OutboundRefused("must be an https URL");
    }
    if (url.getRawUserInfo() != null) {
      throw new OutboundRefused("must not carry user information");
    }
    String host = url.getHost();
    if (host == null || host.isBlank()) {
      throw new OutboundRefused("must name a host");
    }
    if (host.indexOf('%') >= 0) {
      // A zone id picks a local interface: meaningless for a public target, and it would make the
      // address depend on this machine's interfaces.
      throw new OutboundRefused("must not carry an IPv6 zone id");
    }
    int port = url.getPort();
    if (port != -1 && !allowedPorts.contains(port)) {
      throw new OutboundRefused(
          "port " + port + " is not allowed (allowed: " + allowedPortsText() + ")");
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

  private String allowedPortsText() {
    return allowedPorts.stream().map(String::valueOf).collect(Collectors.joining(", "));
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
