package io.kairos.standalone.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import io.kairos.architecture.SqlStaysInStores;

/**
 * The rules every module keeps, checked here over all of them at once: standalone is built from
 * every runtime module (core, spring, the starter, the API, the worker, standalone itself), so
 * their main classes are all on its classpath.
 */
@AnalyzeClasses(
    packages = "io.kairos",
    importOptions = {
      ImportOption.DoNotIncludeTests.class,
      AllModulesArchitectureTests.DoNotIncludeTestJars.class
    })
class AllModulesArchitectureTests {

  /** Only a feature's …Store runs SQL, in every module (core's {@link SqlStaysInStores}). */
  @ArchTest static final ArchTests sqlStaysInStores = ArchTests.in(SqlStaysInStores.class);

  /** Test helpers shipped as test-jars (the core's fixture) are not main code. */
  static final class DoNotIncludeTestJars implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("-tests.jar") && !location.contains("/test-classes/");
    }
  }
}
