package io.kairos.api.cluster;

import io.kairos.api.audit.AuditAction;
import io.kairos.api.audit.AuditTrail;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.cluster.ClusterSwitch;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The cluster as a whole: pause it (no job starts anywhere), resume it, see whether it is. */
@RestController
@RequestMapping(path = "/api/v1/cluster", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "cluster", description = "Pause and resume the whole cluster")
class ClusterController {

  private final ClusterSwitch cluster;
  private final AuditTrail audit;

  ClusterController(ClusterSwitch cluster, AuditTrail audit) {
    this.cluster = cluster;
    this.audit = audit;
  }

  @Operation(
      operationId = "getCluster",
      summary = "Whether the cluster is paused, since when and by whom")
  @RequiresScope(Scope.JOBS_READ)
  @GetMapping
  ClusterResponse get() {
    return ClusterResponse.of(cluster.state(), cluster.runningCount());
  }

  @Operation(
      operationId = "pauseCluster",
      summary = "Pause the whole cluster: no job starts anywhere until it is resumed",
      description =
          "Workers stop claiming within kairos.worker.cluster-check, and no attempt starts once"
              + " this has answered (an execution claimed meanwhile is handed back unstarted)."
              + " Attempts already running finish (runningExecutions counts them). Jobs keep"
              + " their state and schedule; a one-time job held back by the pause is not judged"
              + " late for the time paused. Pausing a paused cluster changes nothing.")
  @RequiresScope(Scope.ADMIN)
  @PostMapping("/pause")
  ClusterResponse pause(Principal caller) {
    return audited(AuditAction.CLUSTER_PAUSE, () -> cluster.pause(caller.getName()));
  }

  @Operation(
      operationId = "resumeCluster",
      summary = "Resume the cluster",
      description =
          "Workers claim due jobs again within kairos.worker.cluster-check: recurring jobs run"
              + " once for the occurrences they missed, one-time jobs run if the time they were"
              + " late outside the pause is within their misfire grace. Resuming a running"
              + " cluster changes nothing.")
  @RequiresScope(Scope.ADMIN)
  @PostMapping("/resume")
  ClusterResponse resume(Principal caller) {
    return audited(AuditAction.CLUSTER_RESUME, () -> cluster.resume(caller.getName()));
  }

  private ClusterResponse audited(AuditAction action, Supplier<ClusterSwitch.State> change) {
    ClusterSwitch.State before = cluster.state();
    ClusterSwitch.State after = change.get();
    audit.record(action, "cluster", summary(before), summary(after));
    return ClusterResponse.of(after, cluster.runningCount());
  }

  private static Map<String, Object> summary(ClusterSwitch.State state) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("paused", state.paused());
    summary.put("since", state.since());
    summary.put("by", state.by());
    return summary;
  }
}
