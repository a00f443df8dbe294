package io.kairos.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The registry is the only owner of the job tables: no main source outside {@code
 * io.kairos.registry}, in any module, names {@code kairos_job} (or its history table), in SQL or
 * anywhere else. A test over the sources, because SQL is text that no bytecode rule sees.
 */
class RegistryOwnsItsTableTests {

  @Test
  void onlyTheRegistryNamesTheJobTables() throws IOException {
    Path repository = Path.of("").toAbsolutePath().getParent();
    List<Path> mainSources;
    try (Stream<Path> modules = Files.list(repository)) {
      mainSources =
          modules
              .filter(
                  m ->
                      m.getFileName().toString().startsWith("scheduler-")
                          || m.getFileName().toString().equals("kairos-jobtypes"))
              .map(m -> m.resolve("src/main/java"))
              .filter(Files::isDirectory)
              .toList();
    }
    assertThat(mainSources).as("modules found from " + repository).hasSizeGreaterThan(3);

    List<String> offenders =
        mainSources.stream()
            .flatMap(RegistryOwnsItsTableTests::javaFiles)
            .filter(file -> !file.toString().contains("/io/kairos/registry/"))
            .filter(RegistryOwnsItsTableTests::namesTheJobTable)
            .map(file -> repository.relativize(file).toString())
            .toList();

    assertThat(offenders).as("main sources outside io.kairos.registry naming kairos_job").isEmpty();
  }

  private static Stream<Path> javaFiles(Path root) {
    try {
      return Files.walk(root).filter(p -> p.toString().endsWith(".java")).toList().stream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean namesTheJobTable(Path file) {
    try {
      return Files.readString(file).contains("kairos_job");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
