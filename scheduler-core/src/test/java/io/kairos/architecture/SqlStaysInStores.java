package io.kairos.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Set;

/**
 * SQL stays with the feature it serves, in classes of one recognisable kind: only a {@code …Store}
 * (one per feature, in the feature's package) runs statements. The rule every module's architecture
 * tests include ({@code ArchTests.in(SqlStaysInStores.class)}) for its own main code; {@code
 * scheduler-standalone}'s applies it to every module it is built from at once.
 *
 * <p>Running a statement means using JDBC's statement APIs: Spring's {@code JdbcTemplate}, {@code
 * NamedParameterJdbcTemplate}, {@code JdbcClient} and the rest of {@code
 * org.springframework.jdbc.core} (row mappers and callbacks included) and {@code .object},
 * db-scheduler's {@code JdbcRunner}, {@code java.sql.Connection}, {@code Statement} and its
 * subtypes, {@code DriverManager}. Reading a {@code ResultSet} handed in is not running one (the
 * shared row mapping, {@code JobRows}, does that), nor are transactions ({@code
 * TransactionTemplate}, {@code DataSourceTransactionManager}), nor are db-scheduler's own {@code
 * SchedulerClient} and Flyway, whose statements are theirs.
 *
 * <p>The one exception: {@link #LIBRARY_EXTENSIONS}, classes that plug into a library Kairos builds
 * on (db-scheduler, ShedLock) through an extension point of that library which must hold JDBC
 * objects itself. Each keeps the name its role gives it and is listed here by name, with why.
 * Nested classes belong to the class they are nested in. Out of scope: the test database server
 * ({@code io.kairos.testing}, kairos-test-postgres), the benchmark (its own program and stores) and
 * the examples (applications of their own).
 */
public final class SqlStaysInStores {

  private SqlStaysInStores() {}

  /**
   * The library extension points allowed to use JDBC although they are not stores. The criterion:
   * the class implements (or configures) an extension point of db-scheduler or ShedLock that hands
   * it a JDBC object or needs one — not a place for Kairos's own statements.
   */
  public static final Set<String> LIBRARY_EXTENSIONS =
      Set.of(
          // db-scheduler's JdbcCustomization: its lock-and-fetch statement, for the served types.
          "io.kairos.execution.ServedTypesLockAndFetch",
          // db-scheduler's Clock: the database's clock_timestamp(), on a connection of its own.
          "io.kairos.clock.DatabaseClock",
          // The DataSource db-scheduler writes through: hands out transaction-joining connections.
          "io.kairos.registry.TransactionJoiningDataSource",
          // ShedLock's LockProvider: ShedLock's statements on its JdbcTemplate.
          "io.kairos.worker.housekeeping.HousekeepingConfiguration");

  /** Packages whose main code is not Kairos's runtime. */
  static final String[] OUT_OF_SCOPE = {
    "io.kairos.testing..", "io.kairos.bench..", "io.kairos.examples.."
  };

  static final DescribedPredicate<JavaClass> STATEMENT_APIS =
      resideInAnyPackage(
              "org.springframework.jdbc.core..",
              "org.springframework.jdbc.object..",
              "com.github.kagkarlsson.jdbc..")
          .or(assignableTo(Connection.class))
          .or(assignableTo(Statement.class))
          .or(equivalentTo(DriverManager.class))
          .as(
              "are JDBC's statement APIs (JdbcTemplate, NamedParameterJdbcTemplate, JdbcClient,"
                  + " RowMapper…, db-scheduler's JdbcRunner, Connection, Statement,"
                  + " PreparedStatement, DriverManager)");

  static final DescribedPredicate<JavaClass> A_STORE =
      DescribedPredicate.describe("a …Store", c -> outermost(c).getSimpleName().endsWith("Store"));

  static final DescribedPredicate<JavaClass> A_LIBRARY_EXTENSION =
      DescribedPredicate.describe(
          "a listed db-scheduler or ShedLock extension point",
          c -> LIBRARY_EXTENSIONS.contains(outermost(c).getName()));

  @ArchTest
  public static final ArchRule onlyStoresRunStatements =
      noClasses()
          .that(
              not(A_STORE)
                  .and(not(A_LIBRARY_EXTENSION))
                  .and(not(resideInAnyPackage(OUT_OF_SCOPE)))
                  .as(
                      "are neither a …Store nor a listed db-scheduler or ShedLock extension point"
                          + " (test database server, benchmark and examples aside)"))
          .should()
          .dependOnClassesThat(STATEMENT_APIS)
          .because(
              "a feature's SQL lives in that feature's …Store, so statements do not spread; see"
                  + " SqlStaysInStores for the library extension points allowed by name");

  private static JavaClass outermost(JavaClass c) {
    JavaClass outer = c;
    while (outer.getEnclosingClass().isPresent()) {
      outer = outer.getEnclosingClass().get();
    }
    return outer;
  }
}
