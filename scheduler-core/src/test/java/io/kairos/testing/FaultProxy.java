package io.kairos.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on loopback that can blackhole traffic, as a network partition does: while {@link
 * #blackhole()} is in force, bytes in both directions are read and dropped and new connections are
 * accepted but never reach the server, so clients hang until their own timeouts fire. {@link
 * #heal()} forwards again for new connections; connections cut during the partition stay dead.
 */
public final class FaultProxy implements AutoCloseable {

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile long generation;
  private volatile boolean blackholed;

  public FaultProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.submit(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Rewrites a PostgreSQL JDBC URL to go through this proxy. */
  public String proxiedUrl(String jdbcUrl) {
    return jdbcUrl.replaceFirst(
        "//[^/]+/", "//" + server.getInetAddress().getHostAddress() + ":" + port() + "/");
  }

  public void blackhole() {
    generation++;
    blackholed = true;
  }

  public void heal() {
    blackholed = false;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        if (blackholed) {
          threads.submit(() -> drain(client));
          continue;
        }
        Socket upstream = new Socket(targetHost, targetPort);
        sockets.add(upstream);
        long born = generation;
        threads.submit(() -> pump(client, upstream, born));
        threads.submit(() -> pump(upstream, client, born));
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Copies bytes until the connection ends, or drops them once a partition began after it. */
  private void pump(Socket from, Socket to, long born) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (generation != born) {
          continue; // partitioned: the bytes vanish, nobody is told
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // connection closed
    }
  }

  private void drain(Socket socket) {
    byte[] buffer = new byte[1024];
    try (InputStream in = socket.getInputStream()) {
      while (in.read(buffer) >= 0) {
        // dropped
      }
    } catch (IOException ignored) {
      // closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    threads.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "fault-proxy");
      t.setDaemon(true);
      return t;
    };
  }
}
