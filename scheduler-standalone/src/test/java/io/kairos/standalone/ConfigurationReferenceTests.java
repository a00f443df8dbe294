package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The configuration reference (docs/configuration.md) cannot drift from the code: every {@code
 * kairos.*} property of the configuration metadata the modules generate is in it, every {@code
 * kairos.*} name it gives exists, every property the code reads by name is in the metadata, and
 * every {@code KAIROS_*} variable the stock jars' configuration files take is documented beside the
 * property it sets.
 */
class ConfigurationReferenceTests {

  static final Path ROOT = DocumentationLinksTests.ROOT;
  static final Path REFERENCE = ROOT.resolve("docs/configuration.md");

  /**
   * A {@code kairos.*} name in a code span: {@code kairos.jobs[n].schedule.cron}, {@code
   * …<type>.*}.
   */
  private static final Pattern NAME =
      Pattern.compile("(?<![A-Za-z0-9_-])kairos\\.[A-Za-z0-9\\-.\\[\\]<>*_]*[A-Za-z0-9\\]>*_-]");

  /** How main code reads a property by name. */
  private static final List<Pattern> READS =
      List.of(
          Pattern.compile("\\$\\{(kairos\\.[A-Za-z0-9.\\-\\[\\]]+)[:}]"), // @Value, @Scheduled
          Pattern.compile("getProperty\\(\\s*\"(kairos\\.[^\"]+)\""),
          Pattern.compile("\\(\\s*environment\\s*,\\s*\"(kairos\\.[^\"]+)\""),
          Pattern.compile(
              "@ConditionalOnProperty\\(\\s*(?:name\\s*=\\s*|value\\s*=\\s*)?\"(kairos\\.[^\"]+)\""));

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(KAIROS_[A-Z0-9_]+)");

  static KairosConfigurationMetadata metadata;
  static Set<String> documented;

  @BeforeAll
  static void read() {
    metadata = KairosConfigurationMetadata.fromClassPath();
    documented = namesIn(MarkdownFile.read(REFERENCE));
  }

  @Test
  void theMetadataOfEveryModuleIsRead() {
    assertThat(metadata.names())
        .contains(
            "kairos.email.host", // scheduler-spring, generated
            "kairos.default-misfire-grace", // scheduler-spring, additional
            "kairos.worker.lease-margin", // the starter
            "kairos.worker.enabled",
            "kairos.api.operator-key", // the API
            "kairos.api.wake-up-horizon",
            "kairos.data-dir", // standalone
            "kairos.test-kit.enabled"); // the test kit
    assertThat(documented).contains("kairos.worker.lease-margin", "kairos.jobs[n].*");
  }

  @Test
  void everyKairosPropertyOfTheCodeIsInTheReference() {
    Set<String> missing = new TreeSet<>();
    for (String property : metadata.names()) {
      if (documented.stream().noneMatch(d -> KairosConfigurationMetadata.covers(d, property))) {
        missing.add(property);
      }
    }
    assertThat(missing).as("properties missing from docs/configuration.md").isEmpty();
  }

  @Test
  void everyKairosPropertyTheReferenceNamesExists() {
    Set<String> unknown = new TreeSet<>();
    for (String name : documented) {
      if (!metadata.exists(name)) {
        unknown.add(name);
      }
    }
    assertThat(unknown).as("names in docs/configuration.md that no module has").isEmpty();
  }

  @Test
  void everyPropertyMainCodeReadsByNameIsInTheMetadata() {
    Map<String, String> reads = new TreeMap<>();
    for (Path source : mainSources()) {
      String text;
      try {
        text = Files.readString(source);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (Pattern read : READS) {
        Matcher matcher = read.matcher(text);
        while (matcher.find()) {
          reads.put(matcher.group(1), ROOT.relativize(source).toString());
        }
      }
    }
    // Not vacuous: the @Value, Environment and @ConditionalOnProperty reads are found.
    assertThat(reads)
        .containsKeys(
            "kairos.migrate", "kairos.data-dir", "kairos.worker-port", "kairos.worker.enabled");

    Map<String, String> undeclared = new TreeMap<>(reads);
    undeclared.keySet().removeIf(metadata::exists);
    assertThat(undeclared)
        .as(
            "properties read by name but in no configuration metadata: declare them in the module's"
                + " META-INF/additional-spring-configuration-metadata.json")
        .isEmpty();
  }

  @Test
  void everyVariableOfTheStockJarsIsDocumentedBesideTheProperty() throws IOException {
    List<String> rows = Files.readAllLines(REFERENCE);
    Map<String, String> undocumented = new TreeMap<>();
    int variables = 0;
    for (String file : List.of("kairos-worker.yml", "kairos-api.yml")) {
      for (PropertySource<?> source :
          new YamlPropertySourceLoader().load(file, new ClassPathResource(file))) {
        for (String property : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
          Matcher matcher = VARIABLE.matcher(String.valueOf(source.getProperty(property)));
          while (matcher.find()) {
            variables++;
            String variable = matcher.group(1);
            boolean besideIt =
                rows.stream()
                    .anyMatch(row -> row.contains("`" + property + "`") && row.contains(variable));
            if (!besideIt) {
              undocumented.put(variable, file + ": " + property);
            }
          }
        }
      }
    }
    assertThat(variables).isGreaterThanOrEqualTo(15);
    assertThat(undocumented)
        .as("variables not in a row of docs/configuration.md with the property they set")
        .isEmpty();
  }

  @Test
  void aNameNoModuleHasIsFound() {
    assertThat(metadata.exists("kairos.email.hots")).isFalse();
    assertThat(metadata.exists("kairos.email.host.name")).isFalse();
    assertThat(metadata.exists("kairos.api.quota.activ-jobs")).isFalse();
    assertThat(metadata.exists("kairos.api.keys[n].sha")).isFalse();
    assertThat(metadata.exists("kairos.worker.retry.types.<type>.max-tries")).isFalse();
    assertThat(metadata.exists("kairos.jobs[n].schedule.cronn")).isFalse();
    assertThat(metadata.exists("kairos.worker.type-timeouts[0]")).isFalse();

    assertThat(metadata.exists("kairos.api.quota.active-jobs")).isTrue();
    assertThat(metadata.exists("kairos.api.keys[n].quota.*")).isTrue();
    assertThat(metadata.exists("kairos.worker.retry.types.email.initial-wait")).isTrue();
    assertThat(metadata.exists("kairos.jobs[0].schedule.time-zone")).isTrue();
    assertThat(metadata.exists("kairos.jobs[n].payload.*")).isTrue();
    assertThat(metadata.exists("kairos.worker.type-timeouts.<type>")).isTrue();

    Set<String> withATypo = new LinkedHashSet<>(documented);
    withATypo.remove("kairos.worker.lease-margin");
    withATypo.add("kairos.worker.lease-margine");
    assertThat(metadata.names())
        .filteredOn(
            p -> withATypo.stream().noneMatch(d -> KairosConfigurationMetadata.covers(d, p)))
        .containsExactly("kairos.worker.lease-margin");
  }

  /** The {@code kairos.*} names in a page's code spans. */
  static Set<String> namesIn(MarkdownFile page) {
    Set<String> names = new TreeSet<>();
    for (String span : page.codeSpans()) {
      Matcher matcher = NAME.matcher(span);
      while (matcher.find()) {
        names.add(matcher.group());
      }
    }
    return names;
  }

  /** Main Java sources of Kairos's modules (not of the examples). */
  private static List<Path> mainSources() {
    List<Path> sources = new ArrayList<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(Files::isDirectory).toList()) {
        Path main = module.resolve("src/main/java");
        if (Files.isDirectory(main)) {
          try (Stream<Path> walk = Files.walk(main)) {
            walk.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sources;
  }
}
