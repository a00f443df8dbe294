package io.kairos.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The core's public surface is a list, not an accident: types are package-private by default, and
 * one becomes public only when another package or module uses it. Making a type public (or private
 * again) means changing {@value #LIST} in the same commit, where a reviewer sees it.
 */
class CorePublicSurfaceTests {

  static final String LIST = "src/test/resources/architecture/core-public-types.txt";

  @Test
  void thePublicTopLevelTypesOfTheCoreAreExactlyTheListedOnes() throws IOException {
    Set<String> listed =
        Files.readAllLines(Path.of(LIST), StandardCharsets.UTF_8).stream()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> actual =
        new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.kairos")
                .stream()
                .filter(JavaClass::isTopLevelClass)
                .filter(CorePublicSurfaceTests::isThisModules)
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
                .map(JavaClass::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    assertThat(actual)
        .as("public top-level types of scheduler-core; update %s when this is deliberate", LIST)
        .containsExactlyElementsOf(listed);
  }

  /** This module's main classes, not those of a sibling module on the test classpath. */
  private static boolean isThisModules(JavaClass type) {
    return type.getSource()
        .map(source -> source.getUri().toString().contains("/scheduler-core/target/classes/"))
        .orElse(false);
  }
}
