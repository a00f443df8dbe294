package io.kairos.bench.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One worker or API JVM started from its jar.
 *
 * @param name the worker's node name (as in a run's {@code node}), or "api"
 * @param port its HTTP port on 127.0.0.1
 * @param log where its standard output and error go
 */
public record NodeProcess(String name, int port, Process process, Path log)
    implements AutoCloseable {

  /** SIGKILL on Linux: no shutdown hook, no drain, no last heartbeat. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " did not die within 10 s of SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing " + name, e);
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** The last lines of its log, to explain a failure. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * The benchmark has no use for a graceful stop (its database is dropped next), and a graceful
   * worker stop would wait for the long failover jobs.
   */
  @Override
  public void close() {
    Leftovers.forget(this);
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
