package io.kairos.api.ui;

import io.kairos.job.RunOutcome;
import io.kairos.registry.AttemptTimelineStore;
import io.kairos.registry.ClusterOverviewStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Attempts per node over a recent window as SVG shapes computed here (like {@link OverviewChart}:
 * no script, no inline style): one lane per node, each attempt a bar linking to its job, a dead
 * node's last sign of life marked, and a line from each attempt a dead worker held ({@code
 * WORKER_DIED}) to the attempt that re-ran it on another node. The failovers are listed as text
 * too.
 */
record FailoverTimeline(
    int width,
    int height,
    List<Lane> lanes,
    List<Tick> ticks,
    List<Handover> handovers,
    String from,
    String to,
    int attempts) {

  static final int WIDTH = 760;
  static final int LEFT = 8;
  static final int RIGHT = 8;
  static final int TOP = 6;
  static final int LANE = 40;
  static final int BAR_OFFSET = 18;
  static final int BAR = 14;
  static final int BOTTOM = 24;

  /** A node's row: its attempts, and where it was last seen if it is dead. */
  record Lane(String node, String id, String labelY, String barY, List<Bar> bars, Death death) {}

  /** One attempt: its bar, the job it links to and what it says when pointed at or read out. */
  record Bar(
      String x,
      String width,
      String jobId,
      String outcome,
      boolean recovered,
      String cssClass,
      String label) {}

  /** A dead node's last heartbeat: a vertical mark across its lane. */
  record Death(String x, String y1, String y2, String label) {}

  record Tick(String x, String label) {}

  /** A dead worker's attempt and the attempt that re-ran it, with the line joining them. */
  record Handover(
      String jobId,
      String diedOn,
      int diedAttempt,
      String diedAt,
      String recoveredOn,
      int recoveredAttempt,
      String recoveredAt,
      String recoveredOutcome,
      String path) {}

  static FailoverTimeline of(
      AttemptTimelineStore.Window window,
      List<ClusterOverviewStore.NodeStatus> nodes,
      UiFormat fmt) {
    TreeSet<String> names = new TreeSet<>();
    window.attempts().forEach(a -> names.add(a.node()));
    nodes.forEach(n -> names.add(n.node().name()));
    Map<String, Integer> laneOf = new HashMap<>();
    for (String name : names) {
      laneOf.put(name, laneOf.size());
    }
    double plot = WIDTH - LEFT - RIGHT;
    long span = Math.max(1, Duration.between(window.from(), window.to()).toMillis());
    java.util.function.Function<Instant, Double> x =
        t -> {
          long at = Duration.between(window.from(), t).toMillis();
          return LEFT + plot * Math.max(0, Math.min(span, at)) / span;
        };
    Map<String, List<Bar>> bars = new HashMap<>();
    for (AttemptTimelineStore.Attempt a : window.attempts()) {
      double start = x.apply(a.startedAt());
      double end = x.apply(a.finishedAt() == null ? window.to() : a.finishedAt());
      double w = Math.max(3, end - start);
      start = Math.min(start, LEFT + plot - w);
      String label =
          a.jobId()
              + ", attempt "
              + a.attempt()
              + " on "
              + a.node()
              + ": "
              + a.outcome()
              + (a.recovered() ? " (recovered a dead worker's attempt)" : "")
              + ", started "
              + fmt.time(a.startedAt())
              + ", took "
              + fmt.took(a.startedAt(), a.finishedAt());
      bars.computeIfAbsent(a.node(), n -> new ArrayList<>())
          .add(
              new Bar(
                  num(start),
                  num(w),
                  a.jobId(),
                  a.outcome().name(),
                  a.recovered(),
                  "attempt o-" + a.outcome().name() + (a.recovered() ? " recovered" : ""),
                  label));
    }
    Map<String, ClusterOverviewStore.NodeStatus> status = new HashMap<>();
    nodes.forEach(n -> status.put(n.node().name(), n));
    List<Lane> lanes = new ArrayList<>();
    for (String name : names) {
      int top = TOP + laneOf.get(name) * LANE;
      ClusterOverviewStore.NodeStatus node = status.get(name);
      Death death = null;
      if (node != null
          && node.liveness() == ClusterOverviewStore.Liveness.DEAD
          && !node.node().lastSeen().isBefore(window.from())) {
        death =
            new Death(
                num(x.apply(node.node().lastSeen())),
                num(top + 2),
                num(top + LANE - 4),
                name + " last seen " + fmt.time(node.node().lastSeen()) + ": dead");
      }
      lanes.add(
          new Lane(
              name,
              "lane-" + name,
              num(top + 13),
              num(top + BAR_OFFSET),
              bars.getOrDefault(name, List.of()),
              death));
    }
    List<Handover> handovers = new ArrayList<>();
    List<AttemptTimelineStore.Attempt> all = window.attempts();
    for (int i = 0; i < all.size(); i++) {
      AttemptTimelineStore.Attempt died = all.get(i);
      if (died.outcome() != RunOutcome.WORKER_DIED) {
        continue;
      }
      for (int j = i + 1; j < all.size(); j++) {
        AttemptTimelineStore.Attempt next = all.get(j);
        if (next.jobId().equals(died.jobId()) && next.recovered()) {
          double x1 = x.apply(died.finishedAt() == null ? died.startedAt() : died.finishedAt());
          double y1 = TOP + laneOf.get(died.node()) * LANE + BAR_OFFSET + BAR / 2.0;
          double x2 = x.apply(next.startedAt());
          double y2 = TOP + laneOf.get(next.node()) * LANE + BAR_OFFSET + BAR / 2.0;
          handovers.add(
              new Handover(
                  died.jobId(),
                  died.node(),
                  died.attempt(),
                  fmt.time(died.finishedAt()),
                  next.node(),
                  next.attempt(),
                  fmt.time(next.startedAt()),
                  next.outcome().name(),
                  "M" + num(x1) + " " + num(y1) + " L" + num(x2) + " " + num(y2)));
          break;
        }
      }
    }
    int height = TOP + Math.max(1, names.size()) * LANE + BOTTOM;
    List<Tick> ticks = new ArrayList<>();
    for (int i = 0; i <= 4; i++) {
      Instant at = window.from().plusMillis(span * i / 4);
      ticks.add(new Tick(num(LEFT + plot * i / 4), i == 4 ? "now" : fmt.minute(at)));
    }
    return new FailoverTimeline(
        WIDTH,
        height,
        lanes,
        ticks,
        handovers,
        fmt.time(window.from()),
        fmt.time(window.to()),
        all.size());
  }

  private static String num(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
