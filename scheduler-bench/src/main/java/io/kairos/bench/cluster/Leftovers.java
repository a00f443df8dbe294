package io.kairos.bench.cluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the benchmark started or created that must not outlive it: processes and databases.
 * Normally each is closed in a finally block and forgotten here; a JVM shutdown (Ctrl-C, SIGTERM,
 * an uncaught error) closes whatever is still registered, newest first.
 */
public final class Leftovers {

  private static final Set<AutoCloseable> OPEN = new LinkedHashSet<>();
  private static volatile boolean closing;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Leftovers::closeAll, "bench-leftovers"));
  }

  private Leftovers() {}

  /** Whether the JVM is shutting down and the leftovers are being closed under the driver. */
  public static boolean closing() {
    return closing;
  }

  static synchronized void register(AutoCloseable resource) {
    OPEN.add(resource);
  }

  static synchronized void forget(AutoCloseable resource) {
    OPEN.remove(resource);
  }

  private static void closeAll() {
    closing = true;
    List<AutoCloseable> newestFirst;
    synchronized (Leftovers.class) {
      newestFirst = new ArrayList<>(OPEN);
      OPEN.clear();
    }
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      try {
        newestFirst.get(i).close();
      } catch (Exception e) {
        System.err.println("bench: could not clean up " + newestFirst.get(i) + ": " + e);
      }
    }
  }
}
