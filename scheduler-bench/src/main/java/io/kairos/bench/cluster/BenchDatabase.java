package io.kairos.bench.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database of the benchmark's own on an existing PostgreSQL server, created empty (the jars apply
 * the schema) and dropped on close, with one connection for the driver's queries.
 */
public final class BenchDatabase implements AutoCloseable {

  private static final Pattern URL =
      Pattern.compile("^(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?$");

  private final String serverUrl;
  private final Properties credentials;
  private final String name;
  private final String url;
  private final Connection connection;

  private BenchDatabase(String serverUrl, Properties credentials, String name) throws SQLException {
    this.serverUrl = serverUrl;
    this.credentials = credentials;
    this.name = name;
    this.url = withDatabase(serverUrl, name);
    this.connection = DriverManager.getConnection(url, credentials);
  }

  /**
   * @param serverUrl a JDBC URL of the server; its database is only used to create and drop
   * @param name a plain identifier; a leftover database of that name is dropped first
   */
  public static BenchDatabase create(String serverUrl, String user, String password, String name)
      throws SQLException {
    if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("not a plain database name: " + name);
    }
    Properties credentials = credentials(user, password);
    try (Connection admin = DriverManager.getConnection(serverUrl, credentials);
        Statement st = admin.createStatement()) {
      st.execute("drop database if exists " + name + " with (force)");
      st.execute("create database " + name);
    }
    BenchDatabase database = new BenchDatabase(serverUrl, credentials, name);
    Leftovers.register(database);
    return database;
  }

  /**
   * Connection properties of the benchmark's own connections (named kairos-bench on the server).
   */
  public static Properties credentials(String user, String password) {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("ApplicationName", "kairos-bench");
    return p;
  }

  static String withDatabase(String serverUrl, String database) {
    Matcher m = URL.matcher(serverUrl);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected jdbc:postgresql://host:port/database[?…], got " + serverUrl);
    }
    return m.group(1) + database + (m.group(3) == null ? "" : m.group(3));
  }

  public String name() {
    return name;
  }

  public String url() {
    return url;
  }

  /** The driver's own connection (auto-commit); used from one thread only. */
  public Connection connection() {
    return connection;
  }

  @Override
  public void close() throws SQLException {
    Leftovers.forget(this);
    try {
      connection.close();
    } finally {
      try (Connection admin = DriverManager.getConnection(serverUrl, credentials);
          Statement st = admin.createStatement()) {
        // FORCE: a killed worker's connections may not have been reaped yet.
        st.execute("drop database if exists " + name + " with (force)");
      }
    }
  }

  @Override
  public String toString() {
    return "database " + name;
  }
}
