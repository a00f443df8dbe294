package io.kairos.worker.limits;

import io.kairos.concurrent.DaemonTimers;
import io.kairos.limits.LimitStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per limit, read from the database every 10 s and the same on every worker: {@code
 * kairos.limit.waiting} (due jobs held back by it), {@code kairos.limit.utilisation} (its fullest
 * key's use of its maximum, 0 to 1) and {@code kairos.limit.keys.full} (keys at their maximum).
 * Tagged by limit name only, so many keys do not make many series.
 */
final class FlowLimitMetrics implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FlowLimitMetrics.class);

  private final LimitStore store;
  private final MultiGauge waiting;
  private final MultiGauge utilisation;
  private final MultiGauge keysFull;
  private final ScheduledExecutorService timer;

  FlowLimitMetrics(MeterRegistry registry, LimitStore store, boolean enabled) {
    this.store = store;
    this.waiting =
        MultiGauge.builder("kairos.limit.waiting")
            .description("Due jobs held back by a flow limit")
            .register(registry);
    this.utilisation =
        MultiGauge.builder("kairos.limit.utilisation")
            .description("A flow limit's fullest key: used of its maximum, 0 to 1")
            .register(registry);
    this.keysFull =
        MultiGauge.builder("kairos.limit.keys.full")
            .description("Keys of a flow limit at their maximum")
            .register(registry);
    this.timer = DaemonTimers.newTimer("kairos-limit-metrics");
    if (enabled) {
      timer.scheduleWithFixedDelay(this::refreshLogged, 1, 10, TimeUnit.SECONDS);
    }
  }

  void refresh() {
    Map<String, double[]> byLimit = new LinkedHashMap<>();
    for (LimitStore.Usage usage : store.usage()) {
      double[] values = byLimit.computeIfAbsent(usage.limit().name(), n -> new double[3]);
      boolean full = usage.utilisation() >= 1.0;
      values[0] += full ? usage.waiting() : 0;
      values[1] = Math.max(values[1], usage.utilisation());
      values[2] += full ? 1 : 0;
    }
    List<MultiGauge.Row<?>> w = new ArrayList<>();
    List<MultiGauge.Row<?>> u = new ArrayList<>();
    List<MultiGauge.Row<?>> f = new ArrayList<>();
    byLimit.forEach(
        (name, values) -> {
          Tags tags = Tags.of("limit", name);
          w.add(MultiGauge.Row.of(tags, values[0]));
          u.add(MultiGauge.Row.of(tags, values[1]));
          f.add(MultiGauge.Row.of(tags, values[2]));
        });
    waiting.register(w, true);
    utilisation.register(u, true);
    keysFull.register(f, true);
  }

  private void refreshLogged() {
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.warn("Could not read flow limit metrics: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
