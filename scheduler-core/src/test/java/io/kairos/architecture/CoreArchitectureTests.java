package io.kairos.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaParameterizedType;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaWildcardType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.catalogue.SealedJob;
import io.kairos.concurrent.DaemonTimers;
import io.kairos.job.NewJob;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;

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

  @ArchTest
  static final ArchRule timersComeFromOneFactory =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName(DaemonTimers.class.getName())
          .should()
          .callConstructorWhere(
              DescribedPredicate.describe(
                  "new ScheduledThreadPoolExecutor(..)",
                  call -> call.getTargetOwner().isAssignableTo(ScheduledThreadPoolExecutor.class)))
          .orShould()
          .callMethodWhere(
              DescribedPredicate.describe(
                  "Executors.new…Scheduled…",
                  call ->
                      call.getTargetOwner().isEquivalentTo(Executors.class)
                          && call.getName().contains("Scheduled")))
          .because("timers are daemon threads with names, made by DaemonTimers");

  @ArchTest
  static final ArchRule onlyPayloadSecretsSealsJobs =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName(PayloadSecrets.class.getName())
          .should()
          .callConstructor(SealedJob.class, NewJob.class)
          .because("a SealedJob promises that its secret payload values are sealed");

  /**
   * A class that runs SQL takes a job to store only as a {@link SealedJob}: a path that would store
   * a {@link NewJob} as it is, secrets in plain text, does not compile against the stores, and a
   * new store method that accepts one fails here.
   */
  @ArchTest
  static final ArchRule whatRunsSqlTakesOnlySealedJobs =
      methods()
          .that()
          .areDeclaredInClassesThat(runSql())
          .and()
          .areNotPrivate()
          .should(takeNoParameterOf(NewJob.class))
          .because("every job is stored with its secret payload values sealed (PayloadSecrets)");

  private static DescribedPredicate<JavaClass> runSql() {
    return DescribedPredicate.describe(
        "run SQL",
        javaClass ->
            javaClass.getDirectDependenciesFromSelf().stream()
                .map(dependency -> dependency.getTargetClass().getName())
                .anyMatch(
                    name ->
                        name.startsWith("org.springframework.jdbc.")
                            || name.startsWith("java.sql.")
                            || name.equals(SchedulerClient.class.getName())));
  }

  /** Neither {@code type} nor a collection, map or array of it among the parameters. */
  private static ArchCondition<JavaMethod> takeNoParameterOf(Class<?> type) {
    return new ArchCondition<>("take no parameter of " + type.getSimpleName()) {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        for (JavaType parameter : method.getParameterTypes()) {
          if (mentions(parameter, type)) {
            events.add(
                SimpleConditionEvent.violated(
                    method, method.getFullName() + " takes " + parameter.getName()));
          }
        }
      }
    };
  }

  private static boolean mentions(JavaType type, Class<?> wanted) {
    if (type.toErasure().isEquivalentTo(wanted)) {
      return true;
    }
    if (type.toErasure().isArray()
        && type.toErasure().getBaseComponentType().isEquivalentTo(wanted)) {
      return true;
    }
    if (type instanceof JavaParameterizedType parameterized) {
      return parameterized.getActualTypeArguments().stream().anyMatch(t -> mentions(t, wanted));
    }
    if (type instanceof JavaWildcardType wildcard) {
      return wildcard.getUpperBounds().stream().anyMatch(t -> mentions(t, wanted));
    }
    return false;
  }
}
