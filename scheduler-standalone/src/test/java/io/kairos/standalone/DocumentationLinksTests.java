package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation a reader navigates: every relative link and {@code #anchor} in the repository's
 * Markdown files (README, docs/, ARCHITECTURE, CHANGELOG, examples) leads somewhere, the README
 * stays a five-minute read, and each page of the guide says what it is for and is reachable from
 * the guide's index. Anchors are made as GitHub makes them.
 */
class DocumentationLinksTests {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** A destination with a scheme ({@code https:}, {@code mailto:}) or a network path. */
  private static final Pattern ABSOLUTE = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*:|//)");

  /** GitHub's anchors to lines of a file that is not Markdown. */
  private static final Pattern LINE_ANCHOR = Pattern.compile("L\\d+(-L\\d+)?");

  @Test
  void everyRelativeLinkAndAnchorInTheRepositorysMarkdownResolves() {
    List<Path> files = markdownFiles(ROOT);
    assertThat(files)
        .contains(
            ROOT.resolve("README.md"),
            ROOT.resolve("ARCHITECTURE.md"),
            ROOT.resolve("CHANGELOG.md"),
            ROOT.resolve("docs/README.md"),
            ROOT.resolve("docs/configuration.md"));

    assertThat(brokenLinks(ROOT)).isEmpty();
  }

  @Test
  void theReadmeReadsInFiveMinutes() {
    MarkdownFile readme = MarkdownFile.read(ROOT.resolve("README.md"));
    assertThat(readme.lineCount()).isLessThanOrEqualTo(400);
    assertThat(readme.references())
        .extracting(MarkdownFile.Reference::destination)
        .contains("docs/README.md", "docs/getting-started.md", "docs/configuration.md");
  }

  @Test
  void everyGuidePageSaysWhatItIsForAndIsReachableFromTheIndex() throws IOException {
    Path docs = ROOT.resolve("docs");
    List<Path> pages;
    try (Stream<Path> listing = Files.list(docs)) {
      pages = listing.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
    assertThat(pages).hasSizeGreaterThanOrEqualTo(10);

    List<String> indexed =
        MarkdownFile.read(docs.resolve("README.md")).references().stream()
            .map(MarkdownFile.Reference::destination)
            .map(d -> d.replaceFirst("#.*", ""))
            .toList();
    for (Path page : pages) {
      MarkdownFile file = MarkdownFile.read(page);
      List<Node> blocks = file.blocks();
      assertThat(blocks).as(page + " begins").hasSizeGreaterThanOrEqualTo(2);
      assertThat(blocks.get(0))
          .as(page + ": a title first")
          .isInstanceOfSatisfying(Heading.class, h -> assertThat(h.getLevel()).isEqualTo(1));
      assertThat(blocks.get(1))
          .as(page + ": then one paragraph saying what the page is for")
          .isInstanceOf(Paragraph.class);
      if (!page.getFileName().toString().equals("README.md")) {
        assertThat(indexed)
            .as("docs/README.md links to " + page)
            .contains(page.getFileName().toString());
      }
    }
  }

  @Test
  void aBrokenLinkOrAnchorIsFound(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("docs/img"));
    Files.writeString(root.resolve("docs/img/picture.png"), "png");
    Files.writeString(
        root.resolve("docs/guide.md"),
        """
        # Guide

        ## Set-up: the `two` commands

        ## Kairos's own tests

        ## Kairos's own tests
        """);
    Files.writeString(
        root.resolve("README.md"),
        """
        # Read me

        [fine](docs/guide.md#set-up-the-two-commands), [twice](docs/guide.md#kaiross-own-tests-1),
        ![fine](docs/img/picture.png), [web](https://example.com/missing), [here](#read-me),
        `[in code](nowhere.md)`

        [no file](docs/missing.md), [no anchor](docs/guide.md#set-up), [no picture](img/picture.png),
        [not here](#guide), <a href="docs/gone.md">raw</a>
        """);

    assertThat(brokenLinks(root))
        .containsExactlyInAnyOrder(
            "README.md:7: docs/missing.md: no such file",
            "README.md:7: docs/guide.md#set-up: no such anchor in docs/guide.md",
            "README.md:7: img/picture.png: no such file",
            "README.md:8: #guide: no such anchor in README.md",
            "README.md:8: docs/gone.md: no such file");
  }

  @Test
  void anchorsAreMadeAsGitHubMakesThem() {
    assertThat(MarkdownFile.anchorOf("Set-up: the two commands"))
        .isEqualTo("set-up-the-two-commands");
    assertThat(MarkdownFile.anchorOf("REST API (v1)")).isEqualTo("rest-api-v1");
    assertThat(MarkdownFile.anchorOf("Kairos's own tests")).isEqualTo("kaiross-own-tests");
    assertThat(MarkdownFile.anchorOf("Failures: two retry tiers, then dead"))
        .isEqualTo("failures-two-retry-tiers-then-dead");
    assertThat(MarkdownFile.anchorOf("db-scheduler, with Kairos's defaults"))
        .isEqualTo("db-scheduler-with-kaiross-defaults");
    assertThat(MarkdownFile.anchorOf("Where to find…")).isEqualTo("where-to-find");
    assertThat(MarkdownFile.anchorOf("snake_case — and dashes"))
        .isEqualTo("snake_case--and-dashes");
  }

  /** Each relative link or anchor that leads nowhere, as {@code file:line: destination: why}. */
  static List<String> brokenLinks(Path root) {
    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (Path file : markdownFiles(root)) {
      for (MarkdownFile.Reference reference : MarkdownFile.read(file).references()) {
        String problem = problem(root, file, reference.destination(), anchors);
        if (problem != null) {
          problems.add(
              root.relativize(file).toString().replace('\\', '/')
                  + ":"
                  + reference.line()
                  + ": "
                  + reference.destination()
                  + ": "
                  + problem);
        }
      }
    }
    return problems;
  }

  private static String problem(
      Path root, Path file, String destination, Map<Path, Set<String>> anchors) {
    if (destination.isEmpty()) {
      return "empty link";
    }
    if (ABSOLUTE.matcher(destination).find()) {
      return null; // the web is not checked here
    }
    int hash = destination.indexOf('#');
    String path = hash < 0 ? destination : destination.substring(0, hash);
    String anchor = hash < 0 ? "" : destination.substring(hash + 1);
    if (path.startsWith("/")) {
      return "absolute path: GitHub resolves it against the repository, other viewers do not";
    }
    Path target = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
    if (!target.startsWith(root)) {
      return "outside the repository";
    }
    if (!Files.exists(target)) {
      return "no such file";
    }
    if (anchor.isEmpty()) {
      return null;
    }
    if (!target.toString().endsWith(".md")) {
      return LINE_ANCHOR.matcher(anchor).matches()
          ? null
          : "an anchor into a file that is not Markdown";
    }
    Set<String> known = anchors.computeIfAbsent(target, t -> MarkdownFile.read(t).anchors());
    return known.contains(anchor)
        ? null
        : "no such anchor in " + root.relativize(target).toString().replace('\\', '/');
  }

  /** The Markdown files of a repository: not in build output, dependencies or hidden folders. */
  static List<Path> markdownFiles(Path root) {
    List<Path> files = new ArrayList<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
              String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
              boolean skipped =
                  !dir.equals(root)
                      && (name.startsWith(".")
                          || name.equals("target")
                          || name.equals("node_modules"));
              return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
              if (attributes.isRegularFile() && file.toString().endsWith(".md")) {
                files.add(file);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.sort(null);
    return files;
  }
}
