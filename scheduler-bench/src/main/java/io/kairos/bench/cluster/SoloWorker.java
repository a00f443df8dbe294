package io.kairos.bench.cluster;

import io.kairos.schema.KairosSchema;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One worker JVM with Kairos's defaults on a benchmark database, without an API: whatever the
 * benchmark measures, it writes the jobs itself.
 */
public final class SoloWorker implements AutoCloseable {

  private final NodeProcess process;

  private SoloWorker(NodeProcess process) {
    this.process = process;
  }

  /** Starts the worker and returns once it is registered as RUNNING (its scheduler is up). */
  public static SoloWorker start(
      Launcher launcher, BenchDatabase database, String name, List<String> args, Path logDir) {
    NodeProcess process = launcher.startWorker(name, database.url(), args, logDir);
    SoloWorker worker = new SoloWorker(process);
    boolean registered =
        Await.until(
                launcher.startupTimeout(),
                Duration.ofMillis(250),
                () -> {
                  if (!process.alive()) {
                    throw new IllegalStateException(
                        process + " exited; end of its log:\n" + process.logTail(30));
                  }
                  return running(database, name);
                })
            .isPresent();
    if (!registered) {
      worker.close();
      throw new IllegalStateException(
          process + " never registered as RUNNING; end of its log:\n" + process.logTail(30));
    }
    return worker;
  }

  private static Optional<Boolean> running(BenchDatabase database, String name) {
    try (PreparedStatement st =
        database
            .connection()
            .prepareStatement(
                KairosSchema.DEFAULT.sql(
                    "select 1 from kairos_node where name = ? and state = 'RUNNING'"))) {
      st.setString(1, name);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? Optional.of(true) : Optional.empty();
      }
    } catch (SQLException e) {
      return Optional.empty(); // schema not there yet
    }
  }

  public long pid() {
    return process.process().pid();
  }

  public boolean alive() {
    return process.alive();
  }

  public String logTail(int lines) {
    return process.logTail(lines);
  }

  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return process.toString();
  }
}
