package io.kairos.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Node names are unique among live workers, on a real PostgreSQL. */
class NodeStoreTests {

  static final Duration DEAD_AFTER = Duration.ofSeconds(5);
  static KairosFixture fixture;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(), 8);
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  void aSecondWorkerWithALiveWorkersNameIsRefusedNamingTheLiveNode() {
    fixture.nodes.register("twin", "host-a", 111, DEAD_AFTER);

    assertThatThrownBy(() -> fixture.nodes.register("twin", "host-b", 222, DEAD_AFTER))
        .isInstanceOf(NodeStore.NodeNameInUse.class)
        .hasMessageContaining("host host-a")
        .hasMessageContaining("pid 111")
        .hasMessageContaining("last seen");
    WorkerNode kept = fixture.nodes.find("twin").orElseThrow();
    assertThat(kept.host()).isEqualTo("host-a");
    assertThat(kept.pid()).isEqualTo(111);
  }

  @Test
  void theNameOfAStoppedNodeMayBeReused() {
    fixture.nodes.register("restarted", "host-a", 111, DEAD_AFTER);
    fixture.nodes.report("restarted", WorkerNode.State.STOPPED, 0);

    fixture.nodes.register("restarted", "host-b", 222, DEAD_AFTER);

    WorkerNode node = fixture.nodes.find("restarted").orElseThrow();
    assertThat(node.pid()).isEqualTo(222);
    assertThat(node.state()).isEqualTo(WorkerNode.State.RUNNING);
  }

  @Test
  void theNameOfANodeNotSeenWithinTheDeadAfterWindowMayBeReused() {
    fixture.nodes.register("crashed", "host-a", 111, DEAD_AFTER);
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update kairos_node set last_seen = now() - interval '6 seconds' where name = 'crashed'"));

    fixture.nodes.register("crashed", "host-b", 222, DEAD_AFTER);

    assertThat(fixture.nodes.find("crashed").orElseThrow().pid()).isEqualTo(222);
    // A draining node is alive: its name is not free.
    fixture.nodes.report("crashed", WorkerNode.State.DRAINING, 1);
    assertThatThrownBy(() -> fixture.nodes.register("crashed", "host-c", 333, DEAD_AFTER))
        .isInstanceOf(NodeStore.NodeNameInUse.class)
        .hasMessageContaining("state DRAINING");
  }

  @Test
  void ofManyWorkersStartingTogetherWithOneNameExactlyOneRegisters() throws Exception {
    for (int round = 0; round < 10; round++) {
      String name = "race-" + round;
      int workers = 6;
      CyclicBarrier start = new CyclicBarrier(workers);
      ExecutorService pool = Executors.newFixedThreadPool(workers);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
          long pid = 1000 + i;
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      fixture.nodes.register(name, "host", pid, DEAD_AFTER);
                      return true;
                    } catch (NodeStore.NodeNameInUse e) {
                      return false;
                    }
                  }));
        }
        int registered = 0;
        for (Future<Boolean> result : results) {
          registered += result.get() ? 1 : 0;
        }
        assertThat(registered).as(name).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
