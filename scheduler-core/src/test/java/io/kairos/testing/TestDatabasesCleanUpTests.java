package io.kairos.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The databases a test JVM created on the server in {@code KAIROS_TEST_JDBC_URL} are gone once it
 * exited. Played by a child JVM pointed at this JVM's test server (whichever it is), so the exit is
 * a real one.
 */
class TestDatabasesCleanUpTests {

  /** The child: creates databases, leaves a connection open on one, releases another, exits. */
  public static void main(String[] args) throws Exception {
    TestDatabases.TestDatabase left = TestDatabases.newDatabase();
    TestDatabases.TestDatabase owned = TestDatabases.newOwnedDatabase();
    DataSource neverClosed = left.dataSource(1);
    Connection open = neverClosed.getConnection();
    open.createStatement().execute("create table marker (id int)");
    System.out.println("database " + left.name());
    System.out.println("database " + owned.name());
    owned.release();
    System.out.println("released " + owned.name() + " " + exists(owned.name()));
    System.out.flush();
    System.exit(0);
  }

  @Test
  void theDatabasesAJvmCreatedAreDroppedWhenItExitsEvenWithConnectionsOpen() throws Exception {
    List<String> output = runChild(Map.of());

    List<String> names =
        output.stream()
            .filter(line -> line.startsWith("database "))
            .map(line -> line.substring("database ".length()))
            .toList();
    assertThat(names).hasSize(2).allMatch(name -> name.startsWith("kairos_test_"));
    assertThat(output).contains("released " + names.get(1) + " false");
    for (String name : names) {
      assertThat(exists(name)).as(name).isFalse();
    }
  }

  @Test
  void kairosTestKeepDatabasesKeepsThem() throws Exception {
    List<String> output = runChild(Map.of(TestDatabases.KEEP_VARIABLE, "true"));

    List<String> names =
        output.stream()
            .filter(line -> line.startsWith("database "))
            .map(line -> line.substring("database ".length()))
            .toList();
    try {
      assertThat(names).hasSize(2).allMatch(TestDatabasesCleanUpTests::exists);
    } finally {
      dropAll(names);
    }
  }

  private static List<String> runChild(Map<String, String> environment) throws Exception {
    TestDatabases.TestDatabase server = TestDatabases.administration();
    ProcessBuilder child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                TestDatabasesCleanUpTests.class.getName())
            .redirectErrorStream(true);
    child.environment().put(TestDatabases.URL_VARIABLE, server.jdbcUrl());
    child.environment().put("KAIROS_TEST_JDBC_USER", server.user());
    if (server.password() != null) {
      child.environment().put("KAIROS_TEST_JDBC_PASSWORD", server.password());
    }
    child.environment().remove(TestDatabases.KEEP_VARIABLE);
    child.environment().putAll(environment);
    Process process = child.start();
    List<String> output = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        output.add(line);
      }
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child exited").isTrue();
    assertThat(process.exitValue()).as(String.join("\n", output)).isZero();
    return output;
  }

  static boolean exists(String name) {
    try (Connection c = connectToServer();
        PreparedStatement query =
            c.prepareStatement("select 1 from pg_database where datname = ?")) {
      query.setString(1, name);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connection connectToServer() throws Exception {
    TestDatabases.TestDatabase server = TestDatabases.administration();
    return DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
  }

  private static void dropAll(List<String> names) throws Exception {
    try (Connection c = connectToServer()) {
      for (String name : names) {
        c.createStatement().execute("drop database if exists " + name + " with (force)");
      }
    }
  }
}
