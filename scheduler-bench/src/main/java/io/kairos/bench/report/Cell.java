package io.kairos.bench.report;

/** A measured value in milliseconds, a lower bound ("> …"), or a text such as a count. */
record Cell(double value, boolean atLeast, String text) {
  static Cell of(double millis) {
    return new Cell(millis, false, null);
  }

  static Cell atLeast(double millis) {
    return new Cell(millis, true, null);
  }

  static Cell text(String text) {
    return new Cell(Double.NaN, false, text);
  }
}
