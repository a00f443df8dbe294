package io.kairos.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.testing.TestDatabases;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * The database test mode gives an application context is dropped when the context closes, after the
 * context's own pool closed, while the JVM still runs. Played by a child JVM pointed at this JVM's
 * test server (whichever it is), which keeps running until told to exit.
 */
class TestDatabaseReleaseTests {

  /** The context's pool, built from the URL test mode set. */
  static class WithPool {
    @Bean(destroyMethod = "close")
    DataSource dataSource(Environment environment) {
      return DataSourceBuilder.create()
          .url(environment.getRequiredProperty("spring.datasource.url"))
          .username(environment.getProperty("spring.datasource.username"))
          .password(environment.getProperty("spring.datasource.password"))
          .build();
    }
  }

  /** The child: a context in test mode, used and closed; then waits for its standard input. */
  public static void main(String[] args) throws Exception {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    new TestModeCustomizer()
        .customizeContext(
            context,
            new MergedContextConfiguration(
                TestDatabaseReleaseTests.class, null, new Class<?>[0], null, null));
    context.register(WithPool.class);
    context.refresh();
    try (Connection c = context.getBean(DataSource.class).getConnection()) {
      c.createStatement().execute("create table marker (id int)");
      System.out.println("database " + c.getCatalog());
    }
    context.close();
    System.out.println("closed");
    System.out.flush();
    System.in.read();
    System.exit(0);
  }

  @Test
  void aContextsDatabaseIsDroppedWhenTheContextCloses() throws Exception {
    TestDatabases.TestDatabase server = TestDatabases.administration();
    ProcessBuilder child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                TestDatabaseReleaseTests.class.getName())
            .redirectErrorStream(true);
    child.environment().put(TestDatabases.URL_VARIABLE, server.jdbcUrl());
    child.environment().put("KAIROS_TEST_JDBC_USER", server.user());
    if (server.password() != null) {
      child.environment().put("KAIROS_TEST_JDBC_PASSWORD", server.password());
    }
    child.environment().remove(TestDatabases.KEEP_VARIABLE);
    Process process = child.start();
    String database = null;
    StringBuilder output = new StringBuilder();
    try (BufferedReader lines =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        OutputStream input = process.getOutputStream()) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        output.append(line).append('\n');
        if (line.startsWith("database ")) {
          database = line.substring("database ".length());
        }
        if (line.equals("closed")) {
          // The child still runs: what dropped the database was the context's close.
          assertThat(database).as(output.toString()).startsWith("kairos_test_");
          assertThat(exists(database)).as(database).isFalse();
          input.write('\n');
          input.flush();
        }
      }
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child exited").isTrue();
    assertThat(output.toString()).contains("closed");
  }

  private static boolean exists(String name) throws Exception {
    TestDatabases.TestDatabase server = TestDatabases.administration();
    try (Connection c =
            DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
        PreparedStatement query =
            c.prepareStatement("select 1 from pg_database where datname = ?")) {
      query.setString(1, name);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next();
      }
    }
  }
}
