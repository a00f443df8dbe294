package io.kairos.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The one test-database provider. It picks a PostgreSQL server once per JVM, in this order: the
 * JDBC URL in {@code KAIROS_TEST_JDBC_URL}; Testcontainers when a Docker engine answers; an
 * embedded PostgreSQL from Maven Central. Every call to {@link #newDatabase()} then creates a
 * fresh, empty database on that server, so test classes never see each other's rows.
 *
 * <p>On the server in {@code KAIROS_TEST_JDBC_URL} the databases it created ({@code
 * kairos_test_<n>_<hex>}) are dropped when the JVM exits (an embedded or container server goes away
 * whole); one with an owner ({@link #newOwnedDatabase()}) is dropped as soon as its owner releases
 * it. {@code KAIROS_TEST_KEEP_DATABASES=true} keeps them all, to look into after a run. Dropping
 * needs PostgreSQL 13 or later ({@code DROP DATABASE … WITH (FORCE)}: connections of pools nobody
 * closed are ended first).
 */
public final class TestDatabases {

  public static final String URL_VARIABLE = "KAIROS_TEST_JDBC_URL";
  public static final String KEEP_VARIABLE = "KAIROS_TEST_KEEP_DATABASES";

  /** How long the JVM's exit waits for owners to release their databases before dropping them. */
  static final Duration OWNERS_GRACE = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(TestDatabases.class);
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static volatile Server server;

  /** Databases to drop when the JVM exits: name → whether an owner releases it before. */
  private static final Map<String, Boolean> LEFT = new ConcurrentHashMap<>();

  private static final AtomicBoolean EXIT_HOOK = new AtomicBoolean();

  private TestDatabases() {}

  /**
   * A new, empty database on the shared test server, dropped when the JVM exits (on the server in
   * {@code KAIROS_TEST_JDBC_URL}; any other server goes away whole).
   */
  public static TestDatabase newDatabase() {
    return create(false);
  }

  /**
   * A new, empty database whose owner releases it ({@link TestDatabase#release()}), once it closed
   * its pools: the test kit's application context, as it closes. One still there when the JVM exits
   * is dropped then, after its owner had {@link #OWNERS_GRACE} to release it (closing contexts is a
   * JVM shutdown hook too).
   */
  public static TestDatabase newOwnedDatabase() {
    return create(true);
  }

  private static TestDatabase create(boolean owned) {
    Server s = server();
    String name =
        "kairos_test_"
            + COUNTER.incrementAndGet()
            + "_"
            + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(s.adminUrl(), s.user(), s.password());
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create test database " + name, e);
    }
    if (s.dropsDatabases() && !keepDatabases()) {
      LEFT.put(name, owned);
      if (EXIT_HOOK.compareAndSet(false, true)) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(TestDatabases::dropLeftOnes, "kairos-test-databases"));
      }
    }
    return new TestDatabase(s.urlFor(name), s.user(), s.password(), s.description());
  }

  private static boolean keepDatabases() {
    return Boolean.parseBoolean(System.getenv(KEEP_VARIABLE));
  }

  /** Drops the databases still left, once their owners had their time to release them. */
  static void dropLeftOnes() {
    long deadline = System.nanoTime() + OWNERS_GRACE.toNanos();
    while (LEFT.containsValue(true) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (String name : List.copyOf(LEFT.keySet())) {
      drop(name);
    }
  }

  /** Drops {@code name} if this provider still has it to drop; connections to it are ended. */
  private static void drop(String name) {
    if (LEFT.remove(name) == null) {
      return;
    }
    Server s = server();
    try (Connection c = DriverManager.getConnection(s.adminUrl(), s.user(), s.password());
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      // At exit nobody is left to tell but the log; the database stays, named in the message.
      LOG.warn("Could not drop test database {}: {}", name, e.getMessage());
    }
  }

  /**
   * The server's own database (the one {@code KAIROS_TEST_JDBC_URL} names, or {@code postgres}), to
   * look at the server itself; never dropped.
   */
  public static TestDatabase administration() {
    Server s = server();
    return new TestDatabase(s.adminUrl(), s.user(), s.password(), s.description());
  }

  /** Which server the provider picked, for log lines and diagnostics. */
  public static String serverDescription() {
    return server().description();
  }

  private static Server server() {
    Server s = server;
    if (s == null) {
      synchronized (TestDatabases.class) {
        if (server == null) {
          server = pickServer();
          LOG.info("Test databases are created on: {}", server.description());
        }
        s = server;
      }
    }
    return s;
  }

  private static Server pickServer() {
    String url = System.getenv(URL_VARIABLE);
    if (url != null && !url.isBlank()) {
      return Server.fromUrl(url.trim());
    }
    if (dockerAnswers()) {
      PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
      container.start();
      return new Server(
          container.getJdbcUrl(),
          container.getUsername(),
          container.getPassword(),
          "Testcontainers " + container.getDockerImageName());
    }
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(pg)));
      return new Server(
          pg.getJdbcUrl("postgres", "postgres"), "postgres", null, "embedded PostgreSQL (zonky)");
    } catch (Exception e) {
      throw new IllegalStateException(
          "No test PostgreSQL: set "
              + URL_VARIABLE
              + ", start a Docker engine, or let the embedded PostgreSQL start",
          e);
    }
  }

  private static boolean dockerAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (Exception ignored) {
      // the JVM is exiting; the temporary data directory is removed by zonky anyway
    }
  }

  /** One isolated database. */
  public record TestDatabase(String jdbcUrl, String user, String password, String server) {

    /** The database's name on its server. */
    public String name() {
      String path = Server.withoutQuery(jdbcUrl);
      return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * Drops the database now, ending whatever connections to it remain (close its pools first),
     * unless {@code KAIROS_TEST_KEEP_DATABASES=true}. Only a database on the server in {@code
     * KAIROS_TEST_JDBC_URL} is dropped; any other server goes away whole when the JVM exits.
     */
    public void release() {
      drop(name());
    }

    public HikariDataSource dataSource(int poolSize) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(jdbcUrl);
      config.setUsername(user);
      config.setPassword(password);
      config.setMaximumPoolSize(poolSize);
      return new HikariDataSource(config);
    }

    public DataSource dataSource() {
      return dataSource(10);
    }
  }

  /**
   * @param dropsDatabases whether the databases made on it are dropped: the server outlives the JVM
   */
  private record Server(
      String adminUrl, String user, String password, String description, boolean dropsDatabases) {

    Server(String adminUrl, String user, String password, String description) {
      this(adminUrl, user, password, description, false);
    }

    static Server fromUrl(String url) {
      // Credentials may ride in the URL (?user=..&password=..) or in the usual variables.
      String user = System.getenv().getOrDefault("KAIROS_TEST_JDBC_USER", "postgres");
      String password = System.getenv("KAIROS_TEST_JDBC_PASSWORD");
      return new Server(url, user, password, "KAIROS_TEST_JDBC_URL " + withoutQuery(url), true);
    }

    String urlFor(String database) {
      // jdbc:postgresql://host:port/db?params -> same host and params, other database
      String base = withoutQuery(adminUrl);
      String query = adminUrl.length() > base.length() ? adminUrl.substring(base.length()) : "";
      int slash = base.indexOf('/', "jdbc:postgresql://".length());
      String hostPart = slash < 0 ? base : base.substring(0, slash);
      return hostPart + "/" + database + query;
    }

    private static String withoutQuery(String url) {
      int q = url.indexOf('?');
      return q < 0 ? url : url.substring(0, q);
    }
  }
}
