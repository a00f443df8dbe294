package io.kairos.bench.scale;

import io.kairos.bench.scale.CostAtScale.Operation;
import io.kairos.bench.scale.CostAtScale.Phase;
import io.kairos.bench.scale.CostAtScale.Timing;
import java.util.List;
import java.util.Locale;

/**
 * The scale part's tables: each operation's cost per size, with its ratio to the first size's, and
 * what each size took to write and takes on disk.
 */
public final class ScaleTables {

  /** A ratio above this, at the largest size, is called out: the goal is flat. */
  static final double FLAT = 2.0;

  private ScaleTables() {}

  /**
   * One row per operation, one column per size: p50 / p99 ms and, after the first size, the p50's
   * ratio to the first size's (for the history page, to the first size with history); last, the
   * largest such ratio.
   */
  public static String costs(List<Phase> phases) {
    StringBuilder t = new StringBuilder("| operation, p50 / p99 ms (× p50 of the first) |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Phase p : phases) {
      t.append(' ').append(size(p)).append(" |");
      rule.append("---:|");
    }
    t.append(" largest × |\n").append(rule).append("---:|\n");
    for (Operation op : Operation.values()) {
      Timing base = null;
      double worst = 0;
      StringBuilder row = new StringBuilder("| " + op.label + " |");
      boolean any = false;
      for (Phase p : phases) {
        Timing timing = p.timings().get(op);
        if (timing == null) {
          row.append(" – |");
          continue;
        }
        any = true;
        row.append(String.format(Locale.ROOT, " %.2f / %.2f", timing.p50(), timing.p99()));
        if (base == null) {
          base = timing;
        } else {
          double ratio = timing.p50() / base.p50();
          worst = Math.max(worst, ratio);
          row.append(String.format(Locale.ROOT, " (×%.2f)", ratio));
        }
        row.append(" |");
      }
      if (any) {
        String largest = worst == 0 ? "–" : String.format(Locale.ROOT, "%.2f", worst);
        t.append(row).append(' ').append(worst > FLAT ? "**" + largest + "**" : largest);
        t.append(" |\n");
      }
    }
    return t.toString();
  }

  /** Per size: rows written, in how long, the vacuum after, and bytes on disk. */
  public static String sizes(List<Phase> phases) {
    StringBuilder t =
        new StringBuilder(
            "| size | rows written | writing | rows/s | vacuum analyze | disk bytes per job"
                + " (jobs + executions, indexes included) | disk bytes per history row |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
    for (Phase p : phases) {
      double secs = p.fill().toMillis() / 1e3;
      t.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %.1f s | %s | %.1f s | %.0f | %s |%n",
              size(p),
              p.written(),
              secs,
              p.written() == 0 || secs == 0
                  ? "–"
                  : String.format(Locale.ROOT, "%,.0f", p.written() / secs),
              p.vacuum().toMillis() / 1e3,
              p.bytesPerJob(),
              Double.isNaN(p.bytesPerHistoryRow())
                  ? "–"
                  : String.format(Locale.ROOT, "%.0f", p.bytesPerHistoryRow())));
    }
    return t.toString();
  }

  private static String size(Phase p) {
    String pending = String.format(Locale.ROOT, "%,d pending", p.pending());
    return p.history() == 0
        ? pending
        : pending + String.format(Locale.ROOT, " + %,d history", p.history());
  }
}
