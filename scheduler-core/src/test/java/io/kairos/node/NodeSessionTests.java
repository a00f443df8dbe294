package io.kairos.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Liveness by database session, on a real PostgreSQL: a node is judged by the advisory lock its
 * incarnation holds; its lock freed, it is found, declared dead once, and its executions named; a
 * node whose session is ended while it lives on is told at once and takes its lock again.
 */
class NodeSessionTests {

  static final Duration DEAD_AFTER = Duration.ofSeconds(5);
  static KairosFixture fixture;
  static NodeSessionStore sessions;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(), 8);
    sessions = new NodeSessionStore(fixture.dataSource, KairosSchema.DEFAULT);
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  void aNodeWhoseSessionEndedIsFoundAndDeclaredDeadOnceWithTheExecutionsItHeld() throws Exception {
    NodeSessionStore.Held held = sessions.take(4242L << 32 | 7);
    fixture.nodes.register("gone", "host", 1, DEAD_AFTER, held);
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "insert into scheduled_tasks (task_name, task_instance, execution_time, picked,"
                + " picked_by, last_heartbeat, version) values ('noop', 'held-1', now(), true,"
                + " 'gone', now(), 1)"));
    assertThat(sessions.sessionless())
        .extracting(NodeSessionStore.Sessionless::name)
        .doesNotContain("gone");
    assertThat(status("gone")).isEqualTo(NodeState.Status.ALIVE);

    held.close(); // as when its process dies

    NodeSessionStore.Sessionless gone =
        new NodeSessionStore.Sessionless("gone", held.incarnation());
    await().atMost(Duration.ofSeconds(5)).until(() -> sessions.sessionless().contains(gone));
    assertThat(status("gone")).isEqualTo(NodeState.Status.UNRESPONSIVE);
    Optional<List<NodeSessionStore.Claim>> declared =
        fixture.transactions.execute(tx -> sessions.declareDead(gone));
    assertThat(declared).contains(List.of(new NodeSessionStore.Claim("noop", "held-1")));
    Optional<List<NodeSessionStore.Claim>> again =
        fixture.transactions.execute(tx -> sessions.declareDead(gone));
    assertThat(again).as("declared once").isEmpty();
    assertThat(status("gone")).isEqualTo(NodeState.Status.DEAD);
    assertThat(fixture.nodes.find("gone").orElseThrow().state()).isEqualTo(WorkerNode.State.DEAD);
    // Its name is free at once, and a report of the dead incarnation does not bring it back.
    fixture.nodes.report("gone", WorkerNode.State.RUNNING, 0);
    assertThat(status("gone")).isEqualTo(NodeState.Status.DEAD);
  }

  @Test
  void aNodeHoldingItsLockOrRegisteredWithoutOneIsNeverFoundSessionless() throws Exception {
    try (NodeSessionStore.Held held = sessions.take(99)) {
      fixture.nodes.register("alive", "host", 1, DEAD_AFTER, held);
      fixture.nodes.register("old-style", "host", 2, DEAD_AFTER);
      assertThat(sessions.sessionless())
          .extracting(NodeSessionStore.Sessionless::name)
          .doesNotContain("alive", "old-style");
      Optional<List<NodeSessionStore.Claim>> declared =
          fixture.transactions.execute(
              tx ->
                  sessions.declareDead(
                      new NodeSessionStore.Sessionless("alive", held.incarnation())));
      assertThat(declared).isEmpty();
    }
  }

  @Test
  void aWorkerWhoseBackendIsKilledIsToldAtOnceAndTakesItsLockAgain() throws Exception {
    NodeSession session = new NodeSession(sessions, fixture.nodes, "survivor");
    fixture.nodes.register("survivor", "host", 3, DEAD_AFTER, session.held());
    List<String> told = new CopyOnWriteArrayList<>();
    session.watch(
        new NodeSession.Fence() {
          @Override
          public void lost() {
            told.add("lost");
          }

          @Override
          public void restored(boolean reincarnated) {
            told.add(reincarnated ? "reincarnated" : "restored");
          }
        },
        () -> WorkerNode.State.RUNNING);
    try {
      terminateBackendOf(session.held().incarnation());
      await().atMost(Duration.ofSeconds(5)).until(() -> told.equals(List.of("lost", "restored")));
      assertThat(sessions.sessionless())
          .extracting(NodeSessionStore.Sessionless::name)
          .doesNotContain("survivor");

      // Declared dead while its session is gone: it comes back as a new incarnation.
      long before = session.held().incarnation();
      terminateBackendOf(before);
      NodeSessionStore.Sessionless self = new NodeSessionStore.Sessionless("survivor", before);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  fixture.transactions.execute(tx -> sessions.declareDead(self)).isPresent()
                      || told.size() > 3);
      await().atMost(Duration.ofSeconds(5)).until(() -> told.size() == 4);
      assertThat(told.subList(2, 4)).containsAnyOf("reincarnated", "restored");
      WorkerNode node = fixture.nodes.find("survivor").orElseThrow();
      assertThat(node.state()).isEqualTo(WorkerNode.State.RUNNING);
      assertThat(status("survivor")).isEqualTo(NodeState.Status.ALIVE);
    } finally {
      session.close();
    }
  }

  private void terminateBackendOf(long incarnation) {
    fixture.jdbc.queryForList(
        "select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted"
            + " and objsubid = 1 and classid::bigint = (?::bigint >> 32) & 4294967295 and"
            + " objid::bigint = ?::bigint & 4294967295",
        incarnation,
        incarnation);
  }

  private NodeState.Status status(String name) {
    // Windows of silence far longer than the test: only the session decides.
    return fixture.nodes.states(Duration.ofMinutes(1), Duration.ofMinutes(2)).stream()
        .filter(s -> s.node().name().equals(name))
        .findFirst()
        .orElseThrow()
        .status();
  }
}
