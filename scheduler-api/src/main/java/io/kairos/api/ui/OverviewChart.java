package io.kairos.api.ui;

import io.kairos.job.RunOutcome;
import io.kairos.registry.ClusterOverviewStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Executions per minute over the last hour, stacked by outcome, as SVG shapes computed here: the
 * page draws them with plain SVG elements (no chart library, no script, no inline style, so the
 * strict Content-Security-Policy holds and the chart is there without JavaScript).
 */
record OverviewChart(
    int width,
    int height,
    List<Bar> bars,
    List<Tick> yTicks,
    List<Tick> xTicks,
    List<Legend> legend,
    long total) {

  /** The desktop chart's size in SVG units; a phone shows the narrow one. */
  static final int WIDTH = 760;

  static final int HEIGHT = 180;

  /**
   * A phone's chart: drawn for about 380 px, so its 11-unit labels stay about 11 px tall when the
   * chart is scaled down to a 320–390 px screen (the wide one's would be 5 px).
   */
  static final int NARROW_WIDTH = 380;

  static final int NARROW_HEIGHT = 200;
  static final int LEFT = 44;
  static final int RIGHT = 8;
  static final int TOP = 10;
  static final int BOTTOM = 26;

  /** Stacking order, bottom first; also the legend's. */
  static final List<RunOutcome> OUTCOMES =
      List.of(
          RunOutcome.SUCCEEDED,
          RunOutcome.FAILED,
          RunOutcome.TIMED_OUT,
          RunOutcome.WORKER_DIED,
          RunOutcome.MISSED,
          RunOutcome.RUNNING);

  /** One outcome's part of one minute's bar. */
  record Bar(String x, String y, String width, String height, String outcome, String title) {}

  /** An axis label at a position, with its grid line for y ticks. */
  record Tick(String position, String label) {}

  record Legend(String outcome, String label, long count) {}

  static OverviewChart of(ClusterOverviewStore.Snapshot snapshot, UiFormat fmt) {
    return of(snapshot, fmt, WIDTH, HEIGHT, 15);
  }

  static OverviewChart narrow(ClusterOverviewStore.Snapshot snapshot, UiFormat fmt) {
    return of(snapshot, fmt, NARROW_WIDTH, NARROW_HEIGHT, 30);
  }

  private static OverviewChart of(
      ClusterOverviewStore.Snapshot snapshot,
      UiFormat fmt,
      int width,
      int height,
      int minutesPerLabel) {
    int minutes = ClusterOverviewStore.WINDOW_MINUTES;
    List<Map<RunOutcome, Long>> perMinute = new ArrayList<>();
    for (int i = 0; i < minutes; i++) {
      perMinute.add(new EnumMap<>(RunOutcome.class));
    }
    Map<RunOutcome, Long> totals = new EnumMap<>(RunOutcome.class);
    for (ClusterOverviewStore.MinuteCount count : snapshot.executionsPerMinute()) {
      int i = (int) Duration.between(snapshot.windowStart(), count.minute()).toMinutes();
      if (i >= 0 && i < minutes) {
        perMinute.get(i).merge(count.outcome(), count.count(), Long::sum);
        totals.merge(count.outcome(), count.count(), Long::sum);
      }
    }
    long peak =
        perMinute.stream()
            .mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum())
            .max()
            .orElse(0);
    long top = niceCeiling(Math.max(peak, 1));
    double plotWidth = width - LEFT - RIGHT;
    double plotHeight = height - TOP - BOTTOM;
    double slot = plotWidth / minutes;
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < minutes; i++) {
      Map<RunOutcome, Long> minute = perMinute.get(i);
      Instant start = snapshot.windowStart().plus(Duration.ofMinutes(i));
      double base = TOP + plotHeight;
      for (RunOutcome outcome : OUTCOMES) {
        long n = minute.getOrDefault(outcome, 0L);
        if (n == 0) {
          continue;
        }
        double h = plotHeight * n / top;
        base -= h;
        bars.add(
            new Bar(
                num(LEFT + i * slot + 1),
                num(base),
                num(Math.max(1, slot - 2)),
                num(h),
                outcome.name(),
                fmt.minute(start) + ": " + n + " " + label(outcome)));
      }
    }
    List<Tick> yTicks = new ArrayList<>();
    for (long value : new long[] {0, top / 2, top}) {
      if (value == top / 2 && top % 2 != 0) {
        continue;
      }
      yTicks.add(new Tick(num(TOP + plotHeight - plotHeight * value / top), Long.toString(value)));
    }
    List<Tick> xTicks = new ArrayList<>();
    for (int i = 0; i < minutes; i += minutesPerLabel) {
      xTicks.add(
          new Tick(
              num(LEFT + i * slot),
              fmt.minute(snapshot.windowStart().plus(Duration.ofMinutes(i)))));
    }
    xTicks.add(new Tick(num(LEFT + (minutes - 1) * slot), "now"));
    List<Legend> legend =
        OUTCOMES.stream()
            .map(o -> new Legend(o.name(), label(o), totals.getOrDefault(o, 0L)))
            .toList();
    long total = totals.values().stream().mapToLong(Long::longValue).sum();
    return new OverviewChart(width, height, bars, yTicks, xTicks, legend, total);
  }

  static String label(RunOutcome outcome) {
    return outcome.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** The smallest of 1, 2, 5 × 10^k at or above {@code n}. */
  static long niceCeiling(long n) {
    long power = 1;
    while (true) {
      for (long step : new long[] {1, 2, 5}) {
        if (step * power >= n) {
          return step * power;
        }
      }
      power *= 10;
    }
  }

  private static String num(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
