package io.kairos.bench.report;

import java.util.Locale;

/** The unit a table shows its cells in. */
enum Unit {
  MILLIS("ms", 1),
  SECONDS("s", 1000);

  final String symbol;
  final double millisPerUnit;

  Unit(String symbol, double millisPerUnit) {
    this.symbol = symbol;
    this.millisPerUnit = millisPerUnit;
  }

  String format(Cell cell) {
    if (cell.text() != null) {
      return cell.text();
    }
    if (Double.isNaN(cell.value())) {
      return "—";
    }
    double v = cell.value() / millisPerUnit;
    if (cell.atLeast()) {
      return String.format(Locale.ROOT, "> %.0f", v);
    }
    String number =
        this == SECONDS
            ? String.format(Locale.ROOT, "%.2f", v)
            : v < 100
                ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%,.0f", v);
    return cell.atLeast() ? "> " + number : number;
  }
}
