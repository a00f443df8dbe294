package io.kairos.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own, made with the machine's PostgreSQL binaries ({@code initdb},
 * {@code pg_ctl}, {@code pg_basebackup}) in a temporary directory on a free port, for tests that
 * stop, restart or fail over their server: never the shared test server of {@link TestDatabases}.
 * Trust authentication on 127.0.0.1 for user {@code postgres}; {@code fsync} off (the tests kill
 * the server process, never the machine, so the page cache keeps every commit).
 *
 * <p>Binaries are looked for in {@code KAIROS_TEST_PG_BIN}, then {@code /usr/lib/postgresql/<newest
 * version>/bin}, {@code /usr/local/pgsql/bin} and the {@code PATH}. As root (a container), the
 * server runs as the {@code postgres} user through {@code runuser}: PostgreSQL refuses root.
 */
public final class LocalPostgres implements AutoCloseable {

  public static final String BIN_VARIABLE = "KAIROS_TEST_PG_BIN";
  private static final Duration COMMAND_LIMIT = Duration.ofMinutes(2);

  private final Path bin;
  private final Path data;
  private final int port;

  private LocalPostgres(Path bin, Path data, int port) {
    this.bin = bin;
    this.data = data;
    this.port = port;
  }

  /** The directory holding {@code initdb}, {@code pg_ctl} and {@code pg_basebackup}, if any. */
  public static Optional<Path> binaries() {
    if (asRoot() && !postgresUserExists()) {
      return Optional.empty(); // PostgreSQL refuses root, and there is nobody else to run it as
    }
    List<Path> candidates = new ArrayList<>();
    String configured = System.getenv(BIN_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions
            .map(v -> v.resolve("bin"))
            .sorted(Comparator.comparing(LocalPostgres::version).reversed())
            .forEach(candidates::add);
      } catch (IOException ignored) {
        // not readable: the other places remain
      }
    }
    candidates.add(Path.of("/usr/local/pgsql/bin"));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isBlank()) {
        candidates.add(Path.of(dir));
      }
    }
    return candidates.stream()
        .filter(
            dir ->
                Stream.of("initdb", "pg_ctl", "pg_basebackup")
                    .allMatch(tool -> Files.isExecutable(dir.resolve(tool))))
        .findFirst();
  }

  /** The one line a test skipped for want of binaries says. */
  public static String missingBinaries() {
    return "No PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) found in "
        + BIN_VARIABLE
        + ", /usr/lib/postgresql/*/bin, /usr/local/pgsql/bin or the PATH (or running as root"
        + " without a postgres user to run them as): skipped";
  }

  private static boolean postgresUserExists() {
    try (Stream<String> users = Files.lines(Path.of("/etc/passwd"))) {
      return users.anyMatch(line -> line.startsWith("postgres:"));
    } catch (IOException e) {
      return false;
    }
  }

  private static int version(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A new server, initialised and started, with {@code settings} lines in its configuration. */
  public static LocalPostgres start(Path bin, String... settings) {
    LocalPostgres pg = new LocalPostgres(bin, newDirectory("kairos-pg-"), freePort());
    pg.run(
        bin.resolve("initdb").toString(),
        "-D",
        pg.data.toString(),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-sync");
    pg.configure(settings);
    pg.start();
    return pg;
  }

  /**
   * A streaming replica of the server at {@code sourcePort} on this machine (this one's port, or a
   * proxy's in front of it), made with {@code pg_basebackup -R}, started.
   */
  public LocalPostgres replica(int sourcePort, String applicationName) {
    LocalPostgres replica = new LocalPostgres(bin, newDirectory("kairos-pg-replica-"), freePort());
    Path target = replica.data;
    run(
        bin.resolve("pg_basebackup").toString(),
        "-h",
        "127.0.0.1",
        "-p",
        String.valueOf(sourcePort),
        "-U",
        "postgres",
        "-D",
        target.toString(),
        "-R",
        "-X",
        "stream",
        "--no-sync",
        "-d",
        "application_name=" + applicationName);
    replica.configure();
    replica.start();
    return replica;
  }

  private void configure(String... settings) {
    List<String> lines = new ArrayList<>();
    lines.add("port = " + port);
    lines.add("listen_addresses = '127.0.0.1'");
    lines.add("unix_socket_directories = '" + data + "'");
    lines.add("fsync = off");
    lines.add("shared_buffers = 32MB");
    lines.add("max_connections = 200");
    lines.add("wal_keep_size = 256MB");
    lines.addAll(List.of(settings));
    try {
      Files.writeString(
          data.resolve("postgresql.conf"),
          "\n" + String.join("\n", lines) + "\n",
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  /** A JDBC URL of {@code database} on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public void start() {
    pgCtl("start", "-w", "-t", "60", "-l", data.resolve("server.log").toString());
  }

  /** Stops the server: {@code immediate} is a crash (no checkpoint, sessions cut at once). */
  public void stop(String mode) {
    pgCtl("stop", "-w", "-t", "60", "-m", mode);
  }

  /** Promotes a replica to primary and waits until it accepts writes. */
  public void promote() {
    pgCtl("promote", "-w", "-t", "60");
  }

  /** Runs {@code sql} on {@code database} of this server. */
  public void execute(String database, String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl(database), "postgres", null);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The first column of the first row {@code sql} returns on {@code database}, as text. */
  public String query(String database, String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl(database), "postgres", null);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private void pgCtl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve("pg_ctl").toString());
    command.add("-D");
    command.add(data.toString());
    command.addAll(List.of(args));
    run(command.toArray(String[]::new));
  }

  /** Stops the server if it runs and removes its directory. */
  @Override
  public void close() {
    try {
      pgCtl("stop", "-w", "-t", "30", "-m", "immediate");
    } catch (IllegalStateException alreadyStopped) {
      // it was stopped by the test, or never started
    }
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind
    }
  }

  private static boolean asRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static Path newDirectory(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      if (asRoot()) {
        runCommand(List.of("chown", "postgres:postgres", dir.toString()));
      }
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void run(String... command) {
    List<String> full = new ArrayList<>();
    if (asRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    runCommand(full);
  }

  private static void runCommand(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .directory(new java.io.File(System.getProperty("java.io.tmpdir")))
              .start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "failed (" + process.exitValue() + "): " + command + "\n" + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
