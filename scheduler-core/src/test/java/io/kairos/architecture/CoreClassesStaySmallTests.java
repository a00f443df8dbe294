package io.kairos.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No main source of scheduler-core grows past {@value #MAX_LINES} lines: split it by feature. */
class CoreClassesStaySmallTests {

  static final int MAX_LINES = 500;

  @Test
  void noMainSourceIsLongerThanTheLimit() throws IOException {
    List<String> oversized;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      oversized =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> lines(p) > MAX_LINES)
              .map(p -> p + " (" + lines(p) + " lines)")
              .toList();
    }
    assertThat(oversized).as("main sources over " + MAX_LINES + " lines").isEmpty();
  }

  private static long lines(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
