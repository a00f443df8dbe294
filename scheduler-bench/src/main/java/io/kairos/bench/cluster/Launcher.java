package io.kairos.bench.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts worker and API JVMs from their jars, on the JVM that runs the benchmark, listening on
 * 127.0.0.1 only.
 *
 * @param jvmOptions options of every started JVM (e.g. its heap)
 * @param startupTimeout how long a process may take to become healthy
 */
public record Launcher(
    Path javaBinary,
    List<String> jvmOptions,
    Path workerJar,
    Path apiJar,
    String user,
    String password,
    Duration startupTimeout) {

  public Launcher {
    jvmOptions = List.copyOf(jvmOptions);
    for (Path jar : List.of(workerJar, apiJar)) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException(
            jar + " not found: build the jars first (./mvnw -B -q package -DskipTests)");
      }
    }
  }

  /** The java launcher of the running JVM, so that workers and API run on the same Java. */
  public static Path currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  NodeProcess startWorker(
      String nodeName, String databaseUrl, List<String> extraArgs, Path logDir) {
    int port = freePort();
    List<String> args = new ArrayList<>(common(databaseUrl, port));
    args.add("--kairos.worker.node-name=" + nodeName);
    args.addAll(extraArgs);
    return start(nodeName, workerJar, args, Map.of(), port, logDir);
  }

  NodeProcess startApi(String databaseUrl, String apiKey, List<String> extraArgs, Path logDir) {
    int port = freePort();
    List<String> args = new ArrayList<>(common(databaseUrl, port));
    args.addAll(extraArgs);
    return start("api", apiJar, args, Map.of("KAIROS_API_KEY", apiKey), port, logDir);
  }

  private List<String> common(String databaseUrl, int port) {
    return List.of(
        "--spring.datasource.url=" + databaseUrl,
        "--spring.datasource.username=" + user,
        "--spring.datasource.password=" + password,
        "--server.address=127.0.0.1",
        "--server.port=" + port);
  }

  private NodeProcess start(
      String name, Path jar, List<String> args, Map<String, String> env, int port, Path logDir) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary.toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.addAll(args);
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.environment().putAll(env);
      NodeProcess node = new NodeProcess(name, port, builder.start(), log);
      Leftovers.register(node);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** A port free right now; the process binds it a moment later, which is good enough here. */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
