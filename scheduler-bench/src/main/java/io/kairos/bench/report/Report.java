package io.kairos.bench.report;

import io.kairos.bench.measure.FailoverResult;
import io.kairos.bench.measure.FailoverRound;
import io.kairos.bench.measure.FiringDelay;
import io.kairos.bench.measure.FiringSeries;
import io.kairos.bench.measure.Stats;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The benchmark's result as a plain-text report (for the terminal) and as Markdown (for docs): one
 * table per metric with a column per configuration and the ratios to Kairos with wake-ups (A), a
 * bar chart of the p99s, the machine, and the acceptance targets.
 */
public final class Report {

  /** Targets: idle firing delay p99 with wake-ups, and failover. */
  static final double FIRING_P99_TARGET_MS = 50;

  static final double FAILOVER_TARGET_MS = 10_000;

  private static final String BREAKDOWN_NOTE =
      "\"Wake-up seen\" is when the benchmark's own LISTEN kairos_due connection got the"
          + " notification; \"transaction began\" is the job's createdAt. Percentiles of parts do"
          + " not add up to the percentile of the whole.";

  private static final int BAR_WIDTH = 50;
  private static final int CHART_DECADES = 5;
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final MachineFacts facts;
  private final List<String> method;
  private final List<ConfigurationResult> results;
  private final double loadAfter;
  private final Duration elapsed;
  private final String aheadLabel;

  /**
   * @param method how the samples were taken, one sentence per line
   * @param aheadLabel how far ahead the second series was scheduled, e.g. "+2 s"
   */
  public Report(
      MachineFacts facts,
      List<String> method,
      List<ConfigurationResult> results,
      double loadAfter,
      Duration elapsed,
      String aheadLabel) {
    this.facts = facts;
    this.method = List.copyOf(method);
    this.results = List.copyOf(results);
    this.loadAfter = loadAfter;
    this.elapsed = elapsed;
    this.aheadLabel = aheadLabel;
  }

  public String text() {
    StringBuilder out = new StringBuilder();
    out.append("Kairos benchmark, ").append(DATE.format(facts.date())).append('\n');
    out.append("=".repeat(60)).append('\n');
    for (String line : machine()) {
      out.append(line).append('\n');
    }
    out.append('\n');
    for (ConfigurationResult r : results) {
      out.append(
          String.format(
              "%s  %s: %s%n", r.config().key(), r.config().title(), r.config().settings()));
    }
    out.append('\n');
    for (String line : method) {
      out.append(line).append('\n');
    }
    for (Table table : tables()) {
      out.append('\n').append(table.title()).append(" (").append(table.unit().symbol).append(")\n");
      out.append(table.plain());
      for (String note : table.notes()) {
        out.append("  ").append(note).append('\n');
      }
    }
    for (ConfigurationResult r : withWakeUps()) {
      out.append('\n').append(breakdownTitle(r)).append('\n').append(Grids.plainGrid(breakdown(r)));
      out.append("  ").append(BREAKDOWN_NOTE).append('\n');
    }
    out.append('\n').append("Failover rounds\n");
    for (String line : rounds()) {
      out.append("  ").append(line).append('\n');
    }
    out.append('\n').append("p99 (failover: max), log scale\n").append(chart());
    out.append('\n').append("Targets\n");
    for (String line : acceptance()) {
      out.append("  ").append(line).append('\n');
    }
    return out.toString();
  }

  public String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("## Kairos benchmark, ").append(DATE.format(facts.date())).append("\n\n");
    for (String line : machine()) {
      out.append("- ").append(line).append('\n');
    }
    out.append('\n');
    for (ConfigurationResult r : results) {
      out.append(
          String.format(
              "- **%s** — %s: %s%n", r.config().key(), r.config().title(), r.config().settings()));
    }
    out.append('\n');
    for (String line : method) {
      out.append(line).append('\n');
    }
    for (Table table : tables()) {
      out.append("\n### ")
          .append(table.title())
          .append(" (")
          .append(table.unit().symbol)
          .append(")\n\n");
      out.append(table.markdown());
      for (String note : table.notes()) {
        out.append('\n').append(note).append('\n');
      }
    }
    for (ConfigurationResult r : withWakeUps()) {
      out.append("\n### ")
          .append(breakdownTitle(r))
          .append("\n\n")
          .append(Grids.markdownGrid(breakdown(r)));
      out.append('\n').append(BREAKDOWN_NOTE).append('\n');
    }
    out.append("\n### Failover rounds\n\n");
    for (String line : rounds()) {
      out.append("- ").append(line).append('\n');
    }
    out.append("\n### p99 (failover: max), log scale\n\n```text\n").append(chart()).append("```\n");
    out.append("\n### Targets\n\n");
    for (String line : acceptance()) {
      out.append("- ").append(line).append('\n');
    }
    return out.toString();
  }

  private List<String> machine() {
    return List.of(
        String.format(
            "machine: %d CPUs, %s; %s; PostgreSQL %s",
            facts.cpus(), facts.os(), facts.java(), facts.postgres()),
        String.format(
            Locale.ROOT,
            "load average: %.2f before, %.2f after; run took %d min %d s",
            facts.loadAverage(),
            loadAfter,
            elapsed.toMinutes(),
            elapsed.toSecondsPart()));
  }

  private List<String> keys() {
    return results.stream().map(r -> r.config().key()).toList();
  }

  private List<Table> tables() {
    List<Table> tables = new ArrayList<>();
    tables.add(
        firingTable("Firing delay of one-time jobs posted for now", ConfigurationResult::now));
    tables.add(
        firingTable(
            "Firing delay of one-time jobs posted for " + aheadLabel, ConfigurationResult::ahead));
    tables.add(failoverTable());
    return tables;
  }

  /** Configurations whose jobs were woken: their firing delays split into API and worker parts. */
  private List<ConfigurationResult> withWakeUps() {
    return results.stream().filter(r -> r.now().dueToWakeUp().count() > 0).toList();
  }

  private String breakdownTitle(ConfigurationResult r) {
    return "Where the time goes with wake-ups (" + r.config().key() + ")";
  }

  private List<List<String>> breakdown(ConfigurationResult r) {
    List<List<String>> lines = new ArrayList<>();
    lines.add(List.of("ms", "now p50", "now p99", aheadLabel + " p50", aheadLabel + " p99"));
    lines.add(breakdownLine("due → attempt started (the firing delay)", r, FiringSeries::delay));
    lines.add(breakdownLine("due → API transaction began", r, FiringSeries::dueToTransaction));
    lines.add(
        breakdownLine(
            "due → wake-up seen (API: commit, coalescing, NOTIFY)", r, FiringSeries::dueToWakeUp));
    lines.add(
        breakdownLine(
            "wake-up seen → attempt started (worker: wake, claim, start)",
            r,
            FiringSeries::wakeUpToStart));
    lines.add(
        List.of(
            "woken, but started > " + FiringDelay.MISSED_WAKE_UP.toMillis() + " ms after it",
            Integer.toString(r.now().wakeUpsMissed()),
            "",
            Integer.toString(r.ahead().wakeUpsMissed()),
            ""));
    lines.add(
        List.of(
            "jobs started after a wake-up",
            r.now().dueToWakeUp().count() + " of " + r.now().delay().count(),
            "",
            r.ahead().dueToWakeUp().count() + " of " + r.ahead().delay().count(),
            ""));
    return lines;
  }

  private static List<String> breakdownLine(
      String label, ConfigurationResult r, Function<FiringSeries, Stats> part) {
    return List.of(
        label,
        Unit.MILLIS.format(Cell.of(part.apply(r.now()).p50())),
        Unit.MILLIS.format(Cell.of(part.apply(r.now()).p99())),
        Unit.MILLIS.format(Cell.of(part.apply(r.ahead()).p50())),
        Unit.MILLIS.format(Cell.of(part.apply(r.ahead()).p99())));
  }

  private Table firingTable(String title, Function<ConfigurationResult, FiringSeries> firing) {
    Function<ConfigurationResult, Stats> series = r -> firing.apply(r).delay();
    List<Row> rows = new ArrayList<>();
    rows.add(countRow(series));
    rows.add(statRow("min", r -> Cell.of(series.apply(r).min()), false));
    rows.add(statRow("p50", r -> Cell.of(series.apply(r).p50()), true));
    rows.add(statRow("p99", r -> Cell.of(series.apply(r).p99()), true));
    rows.add(statRow("max", r -> Cell.of(series.apply(r).max()), true));
    List<String> notes = new ArrayList<>();
    for (ConfigurationResult r : results) {
      Stats s = series.apply(r);
      if (!s.complete()) {
        notes.add(
            String.format(
                "%s: only %d of %d jobs started in time; the statistics cover those.",
                r.config().key(), s.count(), s.expected()));
      }
    }
    return new Table(keys(), title, Unit.MILLIS, rows, notes);
  }

  private Table failoverTable() {
    List<Row> rows = new ArrayList<>();
    rows.add(countRow(r -> r.failover().rerun()));
    rows.add(statRow("p50", r -> failoverCell(r.failover(), Stats::p50), true));
    rows.add(statRow("p99", r -> failoverCell(r.failover(), Stats::p99), true));
    rows.add(statRow("max", r -> failoverCell(r.failover(), Stats::max), true));
    rows.add(
        statRow(
            "· last heartbeat before kill, p50",
            r -> Cell.of(r.failover().heartbeatAge().p50()),
            false));
    rows.add(
        statRow(
            "· kill → declared dead, p50", r -> Cell.of(r.failover().declaredDead().p50()), false));
    rows.add(
        statRow("· declared dead → re-run, p50", r -> Cell.of(r.failover().pickUp().p50()), false));
    List<String> notes = new ArrayList<>();
    for (ConfigurationResult r : results) {
      if (!r.failover().measured()) {
        notes.add(
            String.format(
                "%s: > %d s (not measured; dead-after = %s); the bound is used as a lower bound in"
                    + " the ratios.",
                r.config().key(), r.failover().bound().toSeconds(), deadAfter(r)));
      }
    }
    return new Table(
        keys(),
        "Failover: SIGKILL of a worker → its job re-run on another",
        Unit.SECONDS,
        rows,
        notes);
  }

  private static String deadAfter(ConfigurationResult r) {
    return "C".equals(r.config().key())
        ? "5 min × 6 = 30 min, stock heartbeat-interval × missed-heartbeats-limit"
        : r.config().deadAfter().toSeconds() + " s";
  }

  /** Kill → re-run; a configuration whose rounds ran past the bound gets the bound as "> …". */
  private static Cell failoverCell(FailoverResult failover, Function<Stats, Double> statistic) {
    if (!failover.measured()) {
      return Cell.atLeast(failover.bound().toMillis());
    }
    return Cell.of(statistic.apply(failover.rerun()));
  }

  private Row countRow(Function<ConfigurationResult, Stats> series) {
    List<Cell> cells = new ArrayList<>();
    for (ConfigurationResult r : results) {
      Stats s = series.apply(r);
      cells.add(
          Cell.text(
              s.complete() ? Integer.toString(s.count()) : s.count() + " of " + s.expected()));
    }
    return new Row("n", cells, false);
  }

  private Row statRow(String label, Function<ConfigurationResult, Cell> cell, boolean ratios) {
    return new Row(label, results.stream().map(cell).toList(), ratios);
  }

  private List<String> rounds() {
    List<String> lines = new ArrayList<>();
    for (ConfigurationResult r : results) {
      for (FailoverRound round : r.failover().rounds()) {
        lines.add(
            String.format(
                "%s #%d: killed %s %s after its last heartbeat; declared dead %s, re-run %s%s",
                r.config().key(),
                round.round(),
                round.killedNode(),
                seconds(round.heartbeatAge()),
                round.declaredDead().map(d -> "after " + seconds(d)).orElse("not within the bound"),
                round
                    .rerun()
                    .map(d -> "after " + seconds(d))
                    .orElse("not within " + r.failover().bound().toSeconds() + " s"),
                round.rerunNode().map(n -> " on " + n).orElse("")));
      }
    }
    return lines;
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
  }

  private String chart() {
    StringBuilder out = new StringBuilder();
    String pad = " ".repeat(14);
    StringBuilder axis = new StringBuilder(" ".repeat(BAR_WIDTH + 8));
    String[] ticks = {"1ms", "10ms", "100ms", "1s", "10s", "100s"};
    for (int d = 0; d <= CHART_DECADES; d++) {
      int at = d * BAR_WIDTH / CHART_DECADES;
      axis.replace(at, at + ticks[d].length(), ticks[d]);
    }
    out.append(pad).append(axis.toString().stripTrailing()).append('\n');
    StringBuilder ruler = new StringBuilder("-".repeat(BAR_WIDTH + 1));
    for (int d = 0; d <= CHART_DECADES; d++) {
      ruler.setCharAt(d * BAR_WIDTH / CHART_DECADES, '+');
    }
    out.append(pad).append(ruler).append('\n');
    chartSeries(out, "now", r -> Cell.of(r.now().delay().p99()), Unit.MILLIS);
    chartSeries(out, aheadLabel, r -> Cell.of(r.ahead().delay().p99()), Unit.MILLIS);
    chartSeries(out, "failover", r -> failoverCell(r.failover(), Stats::max), Unit.SECONDS);
    return out.toString();
  }

  private void chartSeries(
      StringBuilder out, String label, Function<ConfigurationResult, Cell> p99, Unit unit) {
    for (ConfigurationResult r : results) {
      Cell cell = p99.apply(r);
      String bar = "";
      if (!Double.isNaN(cell.value())) {
        double decades = Math.log10(Math.max(1, cell.value()));
        int length = (int) Math.round(BAR_WIDTH * decades / CHART_DECADES);
        bar = "#".repeat(Math.max(1, Math.min(BAR_WIDTH, length))) + (cell.atLeast() ? ">" : "");
      }
      out.append(
          String.format(
              "%-10s %s  |%-" + (BAR_WIDTH + 1) + "s %s%n",
              label,
              r.config().key(),
              bar,
              unit.format(cell) + " " + unit.symbol));
    }
  }

  private List<String> acceptance() {
    Optional<ConfigurationResult> kairos =
        results.stream().filter(r -> "A".equals(r.config().key())).findFirst();
    if (kairos.isEmpty()) {
      return List.of("configuration A was not run");
    }
    ConfigurationResult a = kairos.get();
    Optional<ConfigurationResult> stock =
        results.stream().filter(r -> "C".equals(r.config().key())).findFirst();
    List<String> lines = new ArrayList<>();
    for (var series :
        List.<Map.Entry<String, Function<ConfigurationResult, Stats>>>of(
            Map.entry("now", r -> r.now().delay()),
            Map.entry(aheadLabel, r -> r.ahead().delay()))) {
      Stats s = series.getValue().apply(a);
      boolean pass = s.complete() && s.p99() <= FIRING_P99_TARGET_MS;
      lines.add(
          String.format(
              Locale.ROOT,
              "idle firing delay p99 with wake-ups ≤ %.0f ms, jobs for %s: %s ms%s → %s",
              FIRING_P99_TARGET_MS,
              series.getKey(),
              Unit.MILLIS.format(Cell.of(s.p99())),
              stock
                  .map(
                      c ->
                          " (stock: "
                              + Unit.MILLIS.format(Cell.of(series.getValue().apply(c).p99()))
                              + " ms)")
                  .orElse(""),
              pass ? "PASS" : "FAIL"));
    }
    FailoverResult f = a.failover();
    boolean pass = f.measured() && f.rerun().max() <= FAILOVER_TARGET_MS;
    lines.add(
        String.format(
            Locale.ROOT,
            "failover ≤ %.0f s, worst of %d: %s s%s → %s",
            FAILOVER_TARGET_MS / 1000,
            f.rounds().size(),
            Unit.SECONDS.format(failoverCell(f, Stats::max)),
            stock
                .map(
                    c ->
                        " (stock: "
                            + Unit.SECONDS.format(failoverCell(c.failover(), Stats::max))
                            + " s)")
                .orElse(""),
            pass ? "PASS" : "FAIL"));
    return lines;
  }
}
