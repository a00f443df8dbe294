package io.kairos.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The rules that keep the built-in job types types like any application's. */
@AnalyzeClasses(
    packages = {"io.kairos.jobtype", "io.kairos.outbound", "io.kairos.retry"},
    importOptions = ImportOption.DoNotIncludeTests.class)
class JobTypesArchitectureTests {

  @ArchTest
  static final ArchRule packagesFormNoCycles =
      slices().matching("io.kairos.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule builtInTypesDoNotKnowEachOther =
      slices().matching("io.kairos.jobtype.(*)..").should().notDependOnEachOther();

  @ArchTest
  static final ArchRule onlyTheWiringKnowsHandlers =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.kairos.jobtype.(*)..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.kairos.jobtype..").and(simpleNameEndingWith("Handler")))
          .because("what a type is (its descriptor) stays apart from what it does (its handler)");

  @ArchTest
  static final ArchRule theTypesUseTheCoreAsAnApplicationsTypesDo =
      classes()
          .should()
          .onlyDependOnClassesThat(
              resideOutsideOfPackage("io.kairos..")
                  .or(
                      resideInAnyPackage(
                          "io.kairos.job",
                          "io.kairos.jobtype..",
                          "io.kairos.outbound..",
                          "io.kairos.retry..",
                          "io.kairos.catalogue",
                          "io.kairos.crypto",
                          "io.kairos.serialization",
                          "io.kairos.schema")))
          .because(
              "a built-in type is a JobType and a JobHandler on the core's job model (with the"
                  + " cipher, the JSON helpers, the catalogue its checks join and the schema its"
                  + " store's tables are in), nothing of the engine's insides");

  @ArchTest
  static final ArchRule plainJavaWithoutSpringBoot =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.springframework.boot..")
          .because("kairos-jobtypes is a library; Spring Boot wiring lives in scheduler-spring");
}
