package io.kairos.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * One Markdown file as GitHub shows it: its links and images (with the line they are on), the
 * anchors its headings get, and its inline code. Parsed with commonmark-java, so a link inside code
 * is not a link and a heading's anchor comes from its text as rendered (backticks and emphasis
 * gone).
 */
final class MarkdownFile {

  /** A link or image destination as written, and the 1-based line it is on. */
  record Reference(String destination, int line) {}

  private static final Parser PARSER =
      Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES).build();

  /** {@code href="…"}, {@code src="…"}, {@code id="…"} and {@code name="…"} in raw HTML. */
  private static final Pattern HTML_ATTRIBUTE =
      Pattern.compile("\\b(href|src|id|name)\\s*=\\s*\"([^\"]*)\"");

  /**
   * What GitHub drops from a heading's text to make its anchor: everything but letters, marks,
   * digits, connector punctuation ({@code _}), spaces and hyphens.
   */
  private static final Pattern NOT_IN_ANCHOR = Pattern.compile("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]");

  private final Path path;
  private final String text;
  private final Node document;

  private MarkdownFile(Path path, String text) {
    this.path = path;
    this.text = text;
    this.document = PARSER.parse(text);
  }

  static MarkdownFile read(Path path) {
    try {
      return new MarkdownFile(path, Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path path() {
    return path;
  }

  long lineCount() {
    return text.lines().count();
  }

  /** The top-level blocks, in order (headings, paragraphs, lists, code blocks, …). */
  List<Node> blocks() {
    List<Node> blocks = new ArrayList<>();
    for (Node node = document.getFirstChild(); node != null; node = node.getNext()) {
      blocks.add(node);
    }
    return blocks;
  }

  /** Every link and image destination, also those in raw HTML. */
  List<Reference> references() {
    List<Reference> references = new ArrayList<>();
    document.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Link link) {
            references.add(new Reference(link.getDestination(), line(link)));
            visitChildren(link);
          }

          @Override
          public void visit(Image image) {
            references.add(new Reference(image.getDestination(), line(image)));
            visitChildren(image);
          }

          @Override
          public void visit(HtmlInline html) {
            htmlReferences(html.getLiteral(), line(html), references);
          }

          @Override
          public void visit(HtmlBlock html) {
            htmlReferences(html.getLiteral(), line(html), references);
          }
        });
    return references;
  }

  /** The anchors a link may point to: each heading's, as GitHub makes them, and HTML ids. */
  Set<String> anchors() {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    document.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Heading heading) {
            String anchor = anchorOf(textOf(heading));
            int times = seen.merge(anchor, 1, Integer::sum);
            anchors.add(times == 1 ? anchor : anchor + "-" + (times - 1));
          }

          @Override
          public void visit(HtmlInline html) {
            htmlIds(html.getLiteral(), anchors);
          }

          @Override
          public void visit(HtmlBlock html) {
            htmlIds(html.getLiteral(), anchors);
          }
        });
    return anchors;
  }

  /** The text of every code span ({@code `…`}), in order. */
  List<String> codeSpans() {
    List<String> spans = new ArrayList<>();
    document.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Code code) {
            spans.add(code.getLiteral());
          }
        });
    return spans;
  }

  /** The anchor GitHub gives a heading with this text. */
  static String anchorOf(String headingText) {
    return NOT_IN_ANCHOR
        .matcher(headingText.strip().toLowerCase(Locale.ROOT))
        .replaceAll("")
        .replace(' ', '-');
  }

  /** A heading's text as rendered: literal text and code, without markup. */
  static String textOf(Node node) {
    StringBuilder text = new StringBuilder();
    node.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Text t) {
            text.append(t.getLiteral());
          }

          @Override
          public void visit(Code code) {
            text.append(code.getLiteral());
          }

          @Override
          public void visit(SoftLineBreak lineBreak) {
            text.append(' ');
          }

          @Override
          public void visit(HardLineBreak lineBreak) {
            text.append(' ');
          }
        });
    return text.toString();
  }

  private static int line(Node node) {
    return node.getSourceSpans().isEmpty() ? 0 : node.getSourceSpans().get(0).getLineIndex() + 1;
  }

  private static void htmlReferences(String html, int line, List<Reference> references) {
    Matcher matcher = HTML_ATTRIBUTE.matcher(html);
    while (matcher.find()) {
      if (matcher.group(1).equals("href") || matcher.group(1).equals("src")) {
        references.add(new Reference(matcher.group(2), line));
      }
    }
  }

  private static void htmlIds(String html, Set<String> anchors) {
    Matcher matcher = HTML_ATTRIBUTE.matcher(html);
    while (matcher.find()) {
      if (matcher.group(1).equals("id") || matcher.group(1).equals("name")) {
        anchors.add(matcher.group(2));
      }
    }
  }
}
