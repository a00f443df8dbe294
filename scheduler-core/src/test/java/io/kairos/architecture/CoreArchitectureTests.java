package io.kairos.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import com.tngtech.archunit.lang.ArchRule;

/** The rules that keep scheduler-core's packages saying what they are. */
@AnalyzeClasses(packages = "io.kairos", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTests {

  @ArchTest
  static final ArchRule packagesFormNoCycles =
      slices().matching("io.kairos.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule coreIsPlainJavaWithoutSpringBoot =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.springframework.boot..")
          .because("scheduler-core is a library; Spring Boot wiring lives in scheduler-spring");

  @ArchTest
  static final ArchRule theJobModelImportsNothingElseOfKairos =
      noClasses()
          .that()
          .resideInAPackage("io.kairos.job")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.kairos..").and(not(resideInAPackage("io.kairos.job"))))
          .because("io.kairos.job is the public face that people who write job types implement");

  @ArchTest
  static final ArchRule theCoreIsTheSchedulingEngineOnly =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.kairos.jobtype..",
              "io.kairos.outbound..",
              "io.kairos.retry..",
              "jakarta.mail..",
              "org.eclipse.angus..",
              "org.apache.hc..",
              "io.github.resilience4j..")
          .because(
              "job types, what they send and how they retry in process are kairos-jobtypes',"
                  + " registered by the wiring as an application's own types are");

  /** Only a feature's …Store runs SQL ({@link SqlStaysInStores}). */
  @ArchTest static final ArchTests sqlStaysInStores = ArchTests.in(SqlStaysInStores.class);
}
