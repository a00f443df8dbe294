package io.kairos.bench.creation;

import io.kairos.bench.measure.Stats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What one durable commit costs on this machine: a one-row insert committed by itself, from one
 * connection, many times. PostgreSQL answers a commit only once its log is flushed to disk, so this
 * is the floor under a single create's server time, measured in the same run as the creates.
 */
public final class DurableCommit {

  /** Percentiles of the commits timed, in milliseconds. */
  public record Cost(int commits, double p50Millis, double p99Millis) {}

  private DurableCommit() {}

  /** Times {@code commits} one-row inserts, each its own transaction, on a scratch table. */
  public static Cost measure(Connection connection, int commits) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("create table bench_durable_commit (n int)");
    }
    List<Double> millis = new ArrayList<>(commits);
    connection.setAutoCommit(true);
    try (PreparedStatement insert =
        connection.prepareStatement("insert into bench_durable_commit values (?)")) {
      for (int i = 0; i < commits; i++) {
        long started = System.nanoTime();
        insert.setInt(1, i);
        insert.executeUpdate();
        millis.add((System.nanoTime() - started) / 1e6);
      }
    } finally {
      try (Statement st = connection.createStatement()) {
        st.execute("drop table bench_durable_commit");
      }
    }
    return new Cost(commits, Stats.percentile(millis, 50), Stats.percentile(millis, 99));
  }
}
