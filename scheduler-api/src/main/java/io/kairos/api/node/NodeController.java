package io.kairos.api.node;

import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.node.NodeStore;
import io.kairos.node.WorkerNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "nodes", description = "Worker replicas")
class NodeController {

  private final NodeStore nodes;

  NodeController(NodeStore nodes) {
    this.nodes = nodes;
  }

  @Operation(
      operationId = "listNodes",
      summary = "Worker replicas, as each last reported itself",
      description =
          "A worker refreshes lastSeen while alive; one whose lastSeen is old has died (its"
              + " running executions are revived by the others).")
  @RequiresScope(Scope.JOBS_READ)
  @GetMapping(path = "/api/v1/nodes", produces = MediaType.APPLICATION_JSON_VALUE)
  List<NodeResponse> list() {
    return nodes.all().stream().map(NodeResponse::of).toList();
  }

  /** A worker replica. */
  @Schema(name = "Node")
  record NodeResponse(
      String name,
      String host,
      long pid,
      Instant startedAt,
      Instant lastSeen,
      @Schema(description = "RUNNING, DRAINING (stopping: finishing its jobs) or STOPPED")
          WorkerNode.State state,
      @Schema(description = "executions it was running at lastSeen") int runningExecutions) {

    static NodeResponse of(WorkerNode node) {
      return new NodeResponse(
          node.name(),
          node.host(),
          node.pid(),
          node.startedAt(),
          node.lastSeen(),
          node.state(),
          node.running());
    }
  }
}
