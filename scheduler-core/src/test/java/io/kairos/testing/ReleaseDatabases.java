package io.kairos.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Databases as earlier releases of Kairos left them, for the upgrade tests: a fresh test database
 * loaded from a dump of a real one.
 */
public final class ReleaseDatabases {

  /**
   * Kairos 0.1.0's database: every table in {@code public}, jobs in every state, history, an OAuth
   * credential. Its secrets are sealed with {@link #RELEASE_0_1_0_KEY} under the key id {@code k1}.
   */
  public static final String RELEASE_0_1_0 = "/upgrade/kairos-0.1.0-public.sql";

  public static final String RELEASE_0_1_0_KEY = "tU54UOF0NkrKT2aQqKZlCjCqC3GZYT97dKlfMKjLH78=";

  /** The tables of Kairos 0.1.0, all in {@code public}. */
  public static final List<String> RELEASE_0_1_0_TABLES =
      List.of(
          "scheduled_tasks",
          "kairos_job",
          "kairos_job_run",
          "kairos_node",
          "kairos_node_type",
          "kairos_type_schema",
          "kairos_notified",
          "kairos_control",
          "kairos_oauth_credential",
          "shedlock",
          "kairos_schema_history");

  private ReleaseDatabases() {}

  /** A fresh test database holding the dump {@code resource}. */
  public static TestDatabases.TestDatabase load(String resource) {
    TestDatabases.TestDatabase database = TestDatabases.newDatabase();
    String script;
    try (InputStream in = ReleaseDatabases.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + resource);
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    // A connection of its own: the dump sets its session's search path.
    try (Connection c =
            DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
        Statement st = c.createStatement()) {
      st.execute(script);
    } catch (SQLException e) {
      throw new IllegalStateException("could not load " + resource, e);
    }
    return database;
  }

  /** The number of rows of each of {@code tables} in {@code schema}. */
  public static Map<String, Integer> rowCounts(
      JdbcTemplate jdbc, String schema, List<String> tables) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String table : tables) {
      counts.put(
          table,
          jdbc.queryForObject("select count(*) from " + schema + "." + table, Integer.class));
    }
    return counts;
  }

  /** The tables, sequences, indexes and views in {@code schema}. */
  public static List<String> relationsIn(JdbcTemplate jdbc, String schema) {
    return jdbc.queryForList(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            + " where n.nspname = ? order by 1",
        String.class,
        schema);
  }

  /**
   * The row counts {@code before} an upgrade, as they are after it: the same rows, and one history
   * row more for each migration newer than the release's.
   */
  public static Map<String, Integer> upgraded(Map<String, Integer> before) {
    Map<String, Integer> after = new java.util.TreeMap<>(before);
    try {
      int scripts =
          new org.springframework.core.io.support.PathMatchingResourcePatternResolver()
              .getResources("classpath:kairos/migration/V*.sql")
              .length;
      after.put("kairos_schema_history", scripts);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return after;
  }
}
