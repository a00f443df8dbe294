package io.kairos.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each table's DDL lives in the Flyway migrations ({@code scheduler-core/src/main/resources/
 * kairos/migration}): no main source of any module holds a {@code create}, {@code alter} or {@code
 * drop} of a table, index, view, sequence, trigger, function, type, schema or extension in its
 * string literals. A test over the sources, because SQL is text that no bytecode rule sees.
 */
class DdlLivesInMigrationsTests {

  /**
   * Main sources allowed DDL, each for a reason no migration can serve. Bringing a database laid
   * out by an earlier release into Kairos's schema (adopting the migration history it wrote to
   * Flyway's default table, moving its tables out of the application's schema) must happen before
   * Flyway reads its history, which a migration cannot do: it runs after, in the schema it
   * migrates. The benchmark's durable-commit probe writes to a scratch table of its own, in the
   * benchmark's own database, which is no part of Kairos's schema.
   */
  private static final Set<String> EXEMPT =
      Set.of(
          "scheduler-core/src/main/java/io/kairos/migration/LegacyLayoutStore.java",
          "scheduler-bench/src/main/java/io/kairos/bench/creation/DurableCommit.java");

  private static final Pattern DDL =
      Pattern.compile(
          "\\b(create|alter|drop)\\s+(or\\s+replace\\s+|unique\\s+|temp\\s+|temporary\\s+"
              + "|materialized\\s+|if\\s+exists\\s+)*(table|index|view|sequence|trigger|function"
              + "|procedure|type|schema|extension|domain)\\b",
          Pattern.CASE_INSENSITIVE);

  /** A string literal or text block of Java source. */
  private static final Pattern LITERAL =
      Pattern.compile("\"\"\"(.*?)\"\"\"|\"((?:[^\"\\\\\\n]|\\\\.)*)\"", Pattern.DOTALL);

  @Test
  void noMainSourceHoldsDdl() throws IOException {
    Path repository = Path.of("").toAbsolutePath().getParent();
    List<Path> mainSources;
    try (Stream<Path> modules = Files.list(repository)) {
      mainSources =
          modules
              .filter(
                  m ->
                      m.getFileName().toString().startsWith("scheduler-")
                          || m.getFileName().toString().startsWith("kairos-"))
              .map(m -> m.resolve("src/main/java"))
              .filter(Files::isDirectory)
              .toList();
    }
    assertThat(mainSources).as("modules found from " + repository).hasSizeGreaterThan(6);

    List<String> offenders = new ArrayList<>();
    for (Path file : mainSources.stream().flatMap(DdlLivesInMigrationsTests::javaFiles).toList()) {
      String relative = repository.relativize(file).toString();
      if (EXEMPT.contains(relative)) {
        continue;
      }
      Matcher literal = LITERAL.matcher(Files.readString(file));
      while (literal.find()) {
        String text = literal.group(1) != null ? literal.group(1) : literal.group(2);
        Matcher ddl = DDL.matcher(text);
        if (ddl.find()) {
          offenders.add(relative + ": \"" + ddl.group() + "\"");
        }
      }
    }
    assertThat(offenders)
        .as(
            "main sources holding DDL (put it in a migration under"
                + " scheduler-core/src/main/resources/kairos/migration)")
        .isEmpty();
  }

  private static Stream<Path> javaFiles(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".java")).toList().stream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
