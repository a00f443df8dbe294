package io.kairos.bench.report;

import io.kairos.bench.cluster.ClusterConfig;
import io.kairos.bench.measure.FailoverResult;
import io.kairos.bench.measure.FiringSeries;
import io.kairos.bench.measure.Stats;
import java.time.Duration;

/**
 * Everything measured for one configuration.
 *
 * @param startup from launching the JVMs to all of them healthy
 * @param warmUp firing delays of the uncounted warm-up jobs (cold JVMs), for the record
 * @param now firing delays of jobs posted for now
 * @param ahead firing delays of jobs posted for a few seconds ahead
 * @param disturbances earlier attempts at this configuration abandoned because something else
 *     stopped one of its JVMs
 */
public record ConfigurationResult(
    ClusterConfig config,
    Duration startup,
    Stats warmUp,
    FiringSeries now,
    FiringSeries ahead,
    FailoverResult failover,
    int disturbances) {

  public ConfigurationResult afterDisturbances(int count) {
    return new ConfigurationResult(config, startup, warmUp, now, ahead, failover, count);
  }
}
