package io.kairos.api.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import com.tngtech.archunit.lang.ArchRule;
import io.kairos.architecture.SqlStaysInStores;

/** The API schedules and inspects jobs; it can run none, and its packages form no cycle. */
@AnalyzeClasses(packages = "io.kairos.api", importOptions = ImportOption.DoNotIncludeTests.class)
class ApiArchitectureTests {

  @ArchTest
  static final ArchRule apiPackagesFormNoCycles =
      slices().matching("io.kairos.api.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule theApiCannotExecuteJobs =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.kairos.execution..")
          .because("the API never executes a job; only workers do");

  @ArchTest
  static final ArchRule theApiKnowsNoHandler =
      noClasses()
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.kairos.jobtype..").and(simpleNameEndingWith("Handler")))
          .because("the API knows job types from the catalogue, not what they do");

  /** Only a feature's …Store runs SQL (core's {@link SqlStaysInStores}). */
  @ArchTest static final ArchTests sqlStaysInStores = ArchTests.in(SqlStaysInStores.class);
}
