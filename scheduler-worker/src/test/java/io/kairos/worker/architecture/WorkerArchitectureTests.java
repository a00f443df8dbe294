package io.kairos.worker.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import com.tngtech.archunit.lang.ArchRule;
import io.kairos.architecture.SqlStaysInStores;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The worker's feature packages form no cycle, only its stores run SQL, and its timers come from
 * core's one factory.
 */
@AnalyzeClasses(packages = "io.kairos.worker", importOptions = ImportOption.DoNotIncludeTests.class)
class WorkerArchitectureTests {

  @ArchTest
  static final ArchRule workerPackagesFormNoCycles =
      slices().matching("io.kairos.worker.(*)..").should().beFreeOfCycles();

  /** Only a feature's …Store runs SQL (core's {@link SqlStaysInStores}). */
  @ArchTest static final ArchTests sqlStaysInStores = ArchTests.in(SqlStaysInStores.class);

  @ArchTest
  static final ArchRule timersComeFromOneFactory =
      noClasses()
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
          .because("timers are daemon threads with names, made by core's DaemonTimers");
}
