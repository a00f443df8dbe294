package io.kairos.worker.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import com.tngtech.archunit.lang.ArchRule;
import io.kairos.architecture.SqlStaysInStores;

/** The worker's feature packages form no cycle, and only its stores run SQL. */
@AnalyzeClasses(packages = "io.kairos.worker", importOptions = ImportOption.DoNotIncludeTests.class)
class WorkerArchitectureTests {

  @ArchTest
  static final ArchRule workerPackagesFormNoCycles =
      slices().matching("io.kairos.worker.(*)..").should().beFreeOfCycles();

  /** Only a feature's …Store runs SQL (core's {@link SqlStaysInStores}). */
  @ArchTest static final ArchTests sqlStaysInStores = ArchTests.in(SqlStaysInStores.class);
}
