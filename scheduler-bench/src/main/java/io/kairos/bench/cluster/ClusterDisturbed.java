package io.kairos.bench.cluster;

/**
 * A process of the cluster stopped without the benchmark stopping it (another program on a shared
 * machine, the OOM killer): what was being measured is no longer what the report would claim.
 */
public final class ClusterDisturbed extends IllegalStateException {
  ClusterDisturbed(String message) {
    super(message);
  }
}
