package io.kairos.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
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
 */
public final class TestDatabases {

  public static final String URL_VARIABLE = "KAIROS_TEST_JDBC_URL";
  private static final Logger LOG = LoggerFactory.getLogger(TestDatabases.class);
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static volatile Server server;

  private TestDatabases() {}

  /** A new, empty database on the shared test server. */
  public static TestDatabase newDatabase() {
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
    return new TestDatabase(s.urlFor(name), s.user(), s.password(), s.description());
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

  private record Server(String adminUrl, String user, String password, String description) {

    static Server fromUrl(String url) {
      // Credentials may ride in the URL (?user=..&password=..) or in the usual variables.
      String user = System.getenv().getOrDefault("KAIROS_TEST_JDBC_USER", "postgres");
      String password = System.getenv("KAIROS_TEST_JDBC_PASSWORD");
      return new Server(url, user, password, "KAIROS_TEST_JDBC_URL " + withoutQuery(url));
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
