package io.kairos.worker.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The worker's feature packages form no cycle. */
@AnalyzeClasses(packages = "io.kairos.worker", importOptions = ImportOption.DoNotIncludeTests.class)
class WorkerArchitectureTests {

  @ArchTest
  static final ArchRule workerPackagesFormNoCycles =
      slices().matching("io.kairos.worker.(*)..").should().beFreeOfCycles();
}
