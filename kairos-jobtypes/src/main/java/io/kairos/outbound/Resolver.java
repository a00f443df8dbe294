package io.kairos.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name into its addresses; the system's DNS, or a fixed table in tests. */
@FunctionalInterface
public interface Resolver {

  /**
   * The JVM's resolver. It caches answers ({@code networkaddress.cache.ttl}, 30 s by default), so
   * the connection that follows a check resolves to the addresses that were checked.
   */
  Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  List<InetAddress> resolve(String host) throws UnknownHostException;
}
