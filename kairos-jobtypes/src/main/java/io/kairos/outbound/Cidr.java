package io.kairos.outbound;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A block of IP addresses, {@code 10.20.0.0/16} or {@code fd00::/8}; a bare address is /32 (/128).
 */
public record Cidr(InetAddress network, int prefix) {

  public Cidr {
    Objects.requireNonNull(network, "network");
    int bits = network.getAddress().length * 8;
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix must be between 0 and " + bits);
    }
  }

  /** Parses an address block; only IP literals, never host names (no DNS look-up). */
  public static Cidr parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (!IpLiterals.isLiteral(address)) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
    }
    InetAddress network;
    try {
      network = InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
    }
    int bits = network.getAddress().length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
    }
    return new Cidr(network, prefix);
  }

  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    int bits = n.length * 8;
    BigInteger mask =
        BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(prefix).not();
    return new BigInteger(1, a).and(mask).equals(new BigInteger(1, n).and(mask));
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefix;
  }
}
