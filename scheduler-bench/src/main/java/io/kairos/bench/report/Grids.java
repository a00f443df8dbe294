package io.kairos.bench.report;

import java.util.List;
import java.util.Locale;

/** Tables as aligned plain text or Markdown, and ratios between cells. */
final class Grids {

  private Grids() {}

  /** Columns aligned with spaces: the first left, the others right. */
  static String plainGrid(List<List<String>> lines) {
    int columns = lines.get(0).size();
    int[] width = new int[columns];
    for (List<String> line : lines) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], line.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> line : lines) {
      out.append("  ").append(String.format("%-" + width[0] + "s", line.get(0)));
      for (int c = 1; c < columns; c++) {
        out.append("  ").append(String.format("%" + Math.max(width[c], 8) + "s", line.get(c)));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** The first line is the header; numbers right-aligned. */
  static String markdownGrid(List<List<String>> lines) {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(String.join(" | ", lines.get(0))).append(" |\n");
    out.append("|---").append("|---:".repeat(lines.get(0).size() - 1)).append("|\n");
    for (List<String> line : lines.subList(1, lines.size())) {
      out.append("| ").append(String.join(" | ", line)).append(" |\n");
    }
    return out.toString();
  }

  /** How many times {@code numerator} is {@code denominator}; "> …" if the numerator is a bound. */
  static String ratio(Cell numerator, Cell denominator) {
    if (Double.isNaN(numerator.value())
        || Double.isNaN(denominator.value())
        || denominator.atLeast()
        || denominator.value() <= 0) {
      return "—";
    }
    double r = numerator.value() / denominator.value();
    String text =
        r < 10 ? String.format(Locale.ROOT, "%.1f×", r) : String.format(Locale.ROOT, "%,.0f×", r);
    return numerator.atLeast() ? "> " + text : text;
  }
}
