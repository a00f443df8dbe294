package io.kairos.api.ui;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard's settings.
 *
 * @param refreshEvery how often pages refresh their live parts where JavaScript runs
 * @param nodeSilentAfter a worker not seen for longer than this, and not stopped, is shown dead
 *     (workers report every heartbeat interval, 1 s by default)
 */
@ConfigurationProperties("kairos.ui")
record UiProperties(
    @DefaultValue("5s") Duration refreshEvery, @DefaultValue("30s") Duration nodeSilentAfter) {

  UiProperties {
    if (refreshEvery.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("kairos.ui.refresh-every must be at least 1s");
    }
    if (nodeSilentAfter.isNegative() || nodeSilentAfter.isZero()) {
      throw new IllegalArgumentException("kairos.ui.node-silent-after must be positive");
    }
  }
}
