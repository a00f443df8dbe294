package io.kairos.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/** Which addresses are not on the public internet, and how to read IP literals without DNS. */
final class IpLiterals {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%a-zA-Z]*]?");

  /** Special-purpose IPv4 blocks (RFC 6890 and successors) that are not globally reachable. */
  private static final List<Cidr> NON_PUBLIC_V4 =
      List.of(
              "0.0.0.0/8",
              "10.0.0.0/8",
              "100.64.0.0/10",
              "127.0.0.0/8",
              "169.254.0.0/16",
              "172.16.0.0/12",
              "192.0.0.0/24",
              "192.0.2.0/24",
              "192.88.99.0/24",
              "192.168.0.0/16",
              "198.18.0.0/15",
              "198.51.100.0/24",
              "203.0.113.0/24",
              "224.0.0.0/4",
              "240.0.0.0/4")
          .stream()
          .map(Cidr::parse)
          .toList();

  private static final List<Cidr> NON_PUBLIC_V6 =
      List.of(
              "::/128",
              "::1/128",
              "fc00::/7",
              "fe80::/10",
              "fec0::/10",
              "ff00::/8",
              "2001:db8::/32")
          .stream()
          .map(Cidr::parse)
          .toList();

  private IpLiterals() {}

  static boolean isLiteral(String host) {
    return host != null && (IPV4.matcher(host).matches() || IPV6.matcher(host).matches());
  }

  /** Reads an IP literal (IPv6 possibly in brackets) without any DNS look-up. */
  static InetAddress parse(String literal) {
    String bare =
        literal.startsWith("[") && literal.endsWith("]")
            ? literal.substring(1, literal.length() - 1)
            : literal;
    try {
      return InetAddress.getByName(bare); // a literal: parsed, not resolved
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + literal + "' is not an IP address");
    }
  }

  /**
   * Whether an address is loopback, private, link-local, shared, reserved, documentation, multicast
   * or unspecified, also when it is an IPv4 address embedded in IPv6 (mapped, compatible, NAT64,
   * 6to4).
   */
  static boolean isNonPublic(InetAddress address) {
    if (address instanceof Inet4Address) {
      return NON_PUBLIC_V4.stream().anyMatch(block -> block.contains(address));
    }
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      InetAddress embedded = embeddedIpv4(b);
      if (embedded != null) {
        return isNonPublic(embedded);
      }
      return NON_PUBLIC_V6.stream().anyMatch(block -> block.contains(address));
    }
    return true;
  }

  private static InetAddress embeddedIpv4(byte[] b) {
    boolean firstTenZero = true;
    for (int i = 0; i < 10; i++) {
      firstTenZero &= b[i] == 0;
    }
    try {
      // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated)
      if (firstTenZero
          && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
        if (b[10] == 0 && b[11] == 0 && b[12] == 0 && b[13] == 0 && b[14] == 0) {
          return null; // :: and ::1 are handled as IPv6
        }
        return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
      }
      // 64:ff9b::/96 (NAT64)
      if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
        return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
      }
      // 2002::/16 (6to4)
      if (b[0] == 0x20 && b[1] == 0x02) {
        return InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]});
      }
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    return null;
  }
}
