package io.kairos.bench.report;

import java.util.ArrayList;
import java.util.List;

/** One table of the report: a column per configuration (by key) and the ratios to A. */
final class Table {
  private final List<String> keys;
  private final String title;
  private final Unit unit;
  private final List<Row> rows;
  private final List<String> notes;

  Table(List<String> keys, String title, Unit unit, List<Row> rows, List<String> notes) {
    this.keys = keys;
    this.title = title;
    this.unit = unit;
    this.rows = rows;
    this.notes = notes;
  }

  String title() {
    return title;
  }

  Unit unit() {
    return unit;
  }

  List<String> notes() {
    return notes;
  }

  /** Pairs (numerator, denominator) of configuration indexes: C/A and B/A when present. */
  private List<int[]> ratioColumns() {
    List<int[]> pairs = new ArrayList<>();
    int a = index("A");
    for (String key : List.of("C", "B")) {
      int other = index(key);
      if (a >= 0 && other >= 0) {
        pairs.add(new int[] {other, a});
      }
    }
    return pairs;
  }

  private int index(String key) {
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private List<String> header() {
    List<String> header = new ArrayList<>();
    header.add("");
    header.addAll(keys);
    for (int[] pair : ratioColumns()) {
      header.add(keys.get(pair[0]) + "/" + keys.get(pair[1]));
    }
    return header;
  }

  private List<List<String>> body() {
    List<List<String>> body = new ArrayList<>();
    for (Row row : rows) {
      List<String> line = new ArrayList<>();
      line.add(row.label());
      row.cells().forEach(c -> line.add(unit.format(c)));
      for (int[] pair : ratioColumns()) {
        line.add(
            row.ratios() ? Grids.ratio(row.cells().get(pair[0]), row.cells().get(pair[1])) : "");
      }
      body.add(line);
    }
    return body;
  }

  String plain() {
    List<List<String>> lines = new ArrayList<>();
    lines.add(header());
    lines.addAll(body());
    return Grids.plainGrid(lines);
  }

  String markdown() {
    List<List<String>> lines = new ArrayList<>();
    lines.add(header());
    lines.addAll(body());
    return Grids.markdownGrid(lines);
  }
}
