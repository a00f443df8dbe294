package io.kairos.bench.report;

import java.util.List;

/** One line of a table: a label, a cell per configuration, and whether ratios make sense. */
record Row(String label, List<Cell> cells, boolean ratios) {}
