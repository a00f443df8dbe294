package io.kairos.api.cluster;

import io.kairos.cluster.ClusterSwitch;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** The cluster-wide pause switch. */
@Schema(name = "Cluster")
public record ClusterResponse(
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            description = "true while no worker starts any job")
        boolean paused,
    @Schema(description = "when it was last paused or resumed; null if it never was") Instant since,
    @Schema(description = "the API key that last paused or resumed it") String by,
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            description =
                "attempts running right now; they finish normally while the cluster is paused")
        int runningExecutions) {

  static ClusterResponse of(ClusterSwitch.State state, int running) {
    return new ClusterResponse(state.paused(), state.since(), state.by(), running);
  }
}
