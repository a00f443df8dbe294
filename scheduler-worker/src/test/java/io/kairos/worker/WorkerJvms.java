package io.kairos.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.testing.TestDatabases.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Stock worker JVMs started from this module's packaged jar, for the tests that kill, cut off,
 * drain and restart real workers. Each worker writes to {@code target/<logs>/<name>.log}, appended,
 * so a name started again keeps its earlier life in the same file; {@link #close()} SIGKILLs every
 * JVM still running.
 */
final class WorkerJvms implements AutoCloseable {

  /** Small, quick to start, and alike: several share two cores with the test and PostgreSQL. */
  static final List<String> JVM_OPTIONS =
      List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  /**
   * How long a test waits for workers to start, or for work that needs a started worker: on a
   * 2-core box busy with other builds a worker JVM has been seen to take over two minutes to start.
   */
  static final Duration PATIENCE = Duration.ofMinutes(5);

  /** Used unless a test passes its own value for the same property. */
  static final List<String> DEFAULT_OPTIONS =
      List.of("--server.port=0", "--db-scheduler.threads=4");

  private final TestDatabase database;
  private final Path logs;
  private final List<Process> started = new CopyOnWriteArrayList<>();
  private final Map<String, Process> latest = new ConcurrentHashMap<>();

  /** Workers on {@code database}, logging into {@code target/<logs>/}, emptied first. */
  WorkerJvms(TestDatabase database, String logs) {
    this.database = database;
    this.logs = Path.of(System.getProperty("basedir", "."), "target", logs);
    try {
      Files.createDirectories(this.logs);
      try (Stream<Path> old = Files.list(this.logs)) {
        for (Path log : old.filter(p -> p.toString().endsWith(".log")).toList()) {
          Files.delete(log);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts worker {@code name} on the database, with extra {@code --property=value} options. */
  Process start(String name, String... options) throws IOException {
    return startOn(database.jdbcUrl(), name, options);
  }

  /** As {@link #start}, reaching the database through {@code jdbcUrl} (a proxy, say). */
  Process startOn(String jdbcUrl, String name, String... options) throws IOException {
    Path jar = Path.of(System.getProperty("basedir", "."), "target", "scheduler-worker-exec.jar");
    assertThat(jar).exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.add("-jar");
    command.add(jar.toString());
    command.add("--spring.datasource.url=" + jdbcUrl);
    command.add("--spring.datasource.username=" + database.user());
    if (database.password() != null) {
      command.add("--spring.datasource.password=" + database.password());
    }
    command.add("--kairos.worker.node-name=" + name);
    // A property given twice on the command line would bind as "a,b": defaults only where unset.
    for (String option : DEFAULT_OPTIONS) {
      String key = option.substring(0, option.indexOf('=') + 1);
      if (Stream.of(options).noneMatch(given -> given.startsWith(key))) {
        command.add(option);
      }
    }
    command.addAll(List.of(options));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logOf(name).toFile()))
            .directory(new File(System.getProperty("java.io.tmpdir")))
            .start();
    started.add(process);
    latest.put(name, process);
    return process;
  }

  /** The JVM last started as {@code name}. */
  Process process(String name) {
    return latest.get(name);
  }

  Path logOf(String name) {
    return logs.resolve(name + ".log");
  }

  @Override
  public void close() {
    started.forEach(Process::destroyForcibly);
  }
}
