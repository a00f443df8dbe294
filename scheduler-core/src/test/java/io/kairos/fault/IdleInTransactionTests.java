package io.kairos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kairos.control.JobSubmitter;
import io.kairos.schema.KairosSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session that began a transaction, locked rows of Kairos's tables (job rows and due executions,
 * as a forgotten {@code SELECT … FOR UPDATE} in a console would) and went idle. The server's {@code
 * idle_in_transaction_session_timeout} ends it after a while, as the operations guide recommends.
 * Meanwhile the workers skip the locked executions, wait on the locked job rows, and afterwards
 * everything completes: nothing lost, nothing run twice, no overlap.
 */
class IdleInTransactionTests {

  static final int JOBS = 60;
  static final int LOCKED = 5;
  static final Duration IDLE_LIMIT = Duration.ofSeconds(8);

  FaultCluster cluster;

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void anIdleTransactionHoldingLocksOnKairosTablesDelaysItsRowsAndLosesNothing() throws Exception {
    cluster = new FaultCluster(FaultCluster::sleep);
    JobSubmitter submitter = cluster.submitter();
    Instant due = Instant.now().plusSeconds(2);
    for (int i = 0; i < JOBS; i++) {
      cluster.submit(submitter, "idle-" + i, 200, due);
    }
    var db = cluster.fixture.database;
    try (Connection blocker = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement st = blocker.createStatement()) {
      st.execute("set idle_in_transaction_session_timeout = '" + IDLE_LIMIT.toMillis() + "ms'");
      blocker.setAutoCommit(false);
      // Job rows of the first jobs (their results wait) and the executions of the next ones (the
      // workers' claims skip them).
      st.execute(
          KairosSchema.DEFAULT.sql(
              "select id from kairos_job where id in (" + ids(0, LOCKED) + ") for update"));
      st.execute(
          KairosSchema.DEFAULT.sql(
              "select task_instance from scheduled_tasks where task_instance in ("
                  + ids(LOCKED, 2 * LOCKED)
                  + ") for update"));
      long lockedAt = System.nanoTime();
      cluster.start("node-a", db.jdbcUrl(), 4, pool -> {});
      cluster.start("node-b", db.jdbcUrl(), 4, pool -> {});

      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> cluster.allCompleted("idle-", JOBS));
      long executionsSkipped =
          cluster.runs.stream()
              .filter(r -> r.job().matches("idle-[5-9]"))
              .filter(r -> r.start() < lockedAt + IDLE_LIMIT.minusSeconds(1).toNanos())
              .count();
      assertThat(executionsSkipped)
          .as("locked executions started while their rows were locked")
          .isZero();
    }
    int ranTwice = cluster.assertNothingLostNoOverlap("idle-", JOBS);
    System.out.printf("idle in transaction: %d handlers ran to their end twice%n", ranTwice);
  }

  private static String ids(int from, int to) {
    StringBuilder s = new StringBuilder();
    for (int i = from; i < to; i++) {
      s.append(i == from ? "" : ",").append("'idle-").append(i).append("'");
    }
    return s.toString();
  }
}
