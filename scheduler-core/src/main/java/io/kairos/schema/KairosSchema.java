package io.kairos.schema;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL schema that holds every table of Kairos (its own, db-scheduler's {@code
 * scheduled_tasks}, ShedLock's {@code shedlock}, and the migration history), apart from the
 * application's: {@value #DEFAULT_NAME} unless {@code kairos.schema} says otherwise.
 *
 * <p>Statements name their tables in full rather than relying on a connection's {@code
 * search_path}, since an application with the starter shares its DataSource with Kairos. A store
 * writes its statements with the plain table names and passes them through {@link #sql}, which
 * qualifies each of {@link #TABLES} as {@code <schema>.<table>}.
 */
public final class KairosSchema {

  public static final String DEFAULT_NAME = "kairos";

  /** Kairos's tables in the default schema: for tests, benchmarks and tools without settings. */
  public static final KairosSchema DEFAULT = new KairosSchema(DEFAULT_NAME);

  /**
   * Every table Kairos's migrations create, and the migration history. History's day partitions
   * ({@code kairos_job_run_p<yyyymmdd>}) come and go with the days and are not listed: housekeeping
   * creates and drops them through functions of the schema's own.
   */
  public static final List<String> TABLES =
      List.of(
          "scheduled_tasks",
          "kairos_job",
          "kairos_job_run",
          "kairos_job_run_default",
          "kairos_node",
          "kairos_node_type",
          "kairos_type_schema",
          "kairos_notified",
          "kairos_control",
          "kairos_oauth_credential",
          "kairos_audit",
          "kairos_attempt_signal",
          "kairos_limit_start",
          "kairos_limit",
          "shedlock",
          "kairos_schema_history");

  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /**
   * A table name as a whole word, not already qualified (no dot or word character before it) and
   * not a column of a qualified reference ({@code t.kairos_job} never occurs; {@code kairos_job.id}
   * is qualified as a whole).
   */
  private static final Pattern TABLE =
      Pattern.compile("(?<![\\w.$\"'])(" + String.join("|", TABLES) + ")(?![\\w$\"'])");

  /** Qualified statements, by their text; capped, as a cache of literals should never grow. */
  private static final int CACHED_AT_MOST = 4096;

  private final String name;
  private final String replacement;
  private final Map<String, String> qualified = new ConcurrentHashMap<>();

  private KairosSchema(String name) {
    this.name = name;
    this.replacement = Matcher.quoteReplacement(name + ".") + "$1";
  }

  /**
   * The schema called {@code name}: a plain PostgreSQL identifier (lower-case letters, digits and
   * {@code _}, not starting with a digit, at most 63 characters), not one of PostgreSQL's own
   * ({@code pg_…}, {@code information_schema}).
   *
   * @throws IllegalArgumentException naming what is wrong with {@code name}
   */
  public static KairosSchema of(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "must be a plain PostgreSQL identifier (lower-case letters, digits and _, not starting"
              + " with a digit, at most 63 characters), not '"
              + name
              + "'");
    }
    if (name.startsWith("pg_") || name.equals("information_schema")) {
      throw new IllegalArgumentException(
          "must not be one of PostgreSQL's own schemas (pg_…, information_schema), not '"
              + name
              + "'");
    }
    return DEFAULT_NAME.equals(name) ? DEFAULT : new KairosSchema(name);
  }

  /** The schema's name. */
  public String name() {
    return name;
  }

  /** {@code table} (one of {@link #TABLES}) qualified: {@code <schema>.<table>}. */
  public String table(String table) {
    if (!TABLES.contains(table)) {
      throw new IllegalArgumentException("not a table of Kairos: " + table);
    }
    return name + "." + table;
  }

  /**
   * {@code statement} with each of Kairos's tables named in it qualified by this schema ({@code
   * select … from kairos_job j} becomes {@code select … from kairos.kairos_job j}); names already
   * qualified, quoted, or part of a longer word are left alone.
   */
  public String sql(String statement) {
    String done = qualified.get(statement);
    if (done != null) {
      return done;
    }
    done = TABLE.matcher(statement).replaceAll(replacement);
    if (qualified.size() < CACHED_AT_MOST) {
      qualified.putIfAbsent(statement, done);
    }
    return done;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KairosSchema schema && schema.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
