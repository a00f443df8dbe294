package io.kairos.api.node;

import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.node.NodeState;
import io.kairos.node.NodeStore;
import io.kairos.node.WorkerNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "nodes", description = "Worker replicas")
class NodeController {

  /** A worker reports every second: three missed reports make it UNRESPONSIVE. */
  static final Duration UNRESPONSIVE_AFTER = Duration.ofSeconds(3);

  private final NodeStore nodes;
  private final Duration deadAfter;

  /**
   * @param deadAfter silent this long without saying it stopped, a node is DEAD: the dashboard's
   *     setting, so both say the same
   */
  NodeController(NodeStore nodes, @Value("${kairos.ui.node-silent-after:30s}") Duration deadAfter) {
    this.nodes = nodes;
    this.deadAfter = deadAfter;
  }

  @Operation(
      operationId = "listNodes",
      summary = "Worker replicas, with their state judged now on the database clock",
      description =
          "A worker refreshes lastSeen while alive and holds a database session for its whole"
              + " life. ALIVE: heard from, session held. UNRESPONSIVE: silent for 3 s or its"
              + " session gone, not judged yet. DEAD: another node found its session gone and"
              + " revived its executions (within a second of a crash), or it has been silent"
              + " beyond kairos.ui.node-silent-after. DRAINING: stopping, finishing its jobs."
              + " STOPPED: stopped cleanly. stateSince says when it entered that state.")
  @RequiresScope(Scope.JOBS_READ)
  @GetMapping(path = "/api/v1/nodes", produces = MediaType.APPLICATION_JSON_VALUE)
  List<NodeResponse> list() {
    return nodes.states(UNRESPONSIVE_AFTER, deadAfter).stream().map(NodeResponse::of).toList();
  }

  /** A worker replica. */
  @Schema(name = "Node")
  record NodeResponse(
      String name,
      String host,
      long pid,
      Instant startedAt,
      Instant lastSeen,
      @Schema(
              description =
                  "ALIVE, UNRESPONSIVE (silent, or its database session gone), DEAD (its"
                      + " executions revived by the others), DRAINING (stopping: finishing its"
                      + " jobs) or STOPPED")
          NodeState.Status state,
      @Schema(
              description =
                  "when it entered its state (database clock); for UNRESPONSIVE, when it was last"
                      + " heard from")
          Instant stateSince,
      @Schema(description = "executions it was running at lastSeen") int runningExecutions) {

    static NodeResponse of(NodeState state) {
      WorkerNode node = state.node();
      return new NodeResponse(
          node.name(),
          node.host(),
          node.pid(),
          node.startedAt(),
          node.lastSeen(),
          state.status(),
          state.since(),
          node.running());
    }
  }
}
