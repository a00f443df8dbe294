package io.kairos.execution;

import io.kairos.job.JobData;
import io.kairos.job.JobState;
import io.kairos.registry.JobRows;
import io.kairos.registry.JobTables;
import io.kairos.registry.RunHistoryStore;
import io.kairos.schema.KairosSchema;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The statements that write the end of attempts, in the caller's (the group commit's) transaction:
 * the version-checked remove or reschedule of many claimed executions, then the final states and
 * errors of their jobs, each in one multi-row statement.
 */
final class CompletionStore {

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;
  private final JobRows rows;

  CompletionStore(JobTables tables) {
    this.jdbc = new JdbcTemplate(tables.dataSource());
    this.schema = tables.schema();
    this.rows = tables.rows();
  }

  /**
   * How a worker's completion leaves the execution it claimed at {@code version}: removed when
   * {@code nextExecutionTime} is null, otherwise rescheduled exactly as db-scheduler's own
   * reschedule writes it (unpicked, no heartbeat, the given success/failure record, {@code version
   * + 1}).
   */
  record ExecutionEnd(
      ExecutionKey key,
      long version,
      Instant nextExecutionTime,
      JobData newData,
      Instant lastSuccess,
      Instant lastFailure,
      int consecutiveFailures) {

    static ExecutionEnd remove(ExecutionKey key, long version) {
      return new ExecutionEnd(key, version, null, null, null, null, 0);
    }

    boolean removes() {
      return nextExecutionTime == null;
    }
  }

  /**
   * Writes the ends of many claimed executions in the caller's transaction, each conditioned on the
   * version it was claimed at, as db-scheduler's own remove and reschedule are: two statements
   * however many there are. Returns the executions that still matched their version; the others
   * were taken over (revived by another worker) and are left untouched.
   */
  Set<ExecutionKey> endExecutions(List<ExecutionEnd> ends) {
    List<ExecutionEnd> sorted = new ArrayList<>(ends);
    // One order for every writer's row locks.
    sorted.sort(
        java.util.Comparator.comparing((ExecutionEnd e) -> e.key().taskName())
            .thenComparing(e -> e.key().taskInstance()));
    List<ExecutionEnd> removals = sorted.stream().filter(ExecutionEnd::removes).toList();
    List<ExecutionEnd> reschedules = sorted.stream().filter(e -> !e.removes()).toList();
    Set<ExecutionKey> matched = new HashSet<>();
    if (!removals.isEmpty()) {
      jdbc.query(
          schema.sql(
              "delete from scheduled_tasks t using unnest(?::text[], ?::text[], ?::bigint[])"
                  + " as x(task_name, task_instance, version) where t.task_name = x.task_name"
                  + " and t.task_instance = x.task_instance and t.version = x.version"
                  + " returning t.task_name, t.task_instance"),
          ps -> {
            Connection c = ps.getConnection();
            ps.setArray(
                1, c.createArrayOf("text", JobRows.column(removals, e -> e.key().taskName())));
            ps.setArray(
                2, c.createArrayOf("text", JobRows.column(removals, e -> e.key().taskInstance())));
            ps.setArray(
                3, c.createArrayOf("int8", JobRows.column(removals, ExecutionEnd::version)));
          },
          (RowCallbackHandler)
              rs -> matched.add(new ExecutionKey(rs.getString(1), rs.getString(2))));
    }
    if (!reschedules.isEmpty()) {
      jdbc.query(
          schema.sql(
              "update scheduled_tasks t set picked = false, picked_by = null, last_heartbeat = null,"
                  + " last_success = x.last_success, last_failure = x.last_failure,"
                  + " consecutive_failures = x.consecutive_failures, execution_time ="
                  + " x.execution_time, task_data = x.task_data, version = t.version + 1"
                  + " from unnest(?::text[], ?::text[], ?::bigint[], ?::timestamptz[], ?::bytea[],"
                  + " ?::timestamptz[], ?::timestamptz[], ?::int[]) as x(task_name, task_instance,"
                  + " version, execution_time, task_data, last_success, last_failure,"
                  + " consecutive_failures) where t.task_name = x.task_name"
                  + " and t.task_instance = x.task_instance and t.version = x.version"
                  + " returning t.task_name, t.task_instance"),
          ps -> {
            Connection c = ps.getConnection();
            ps.setArray(
                1, c.createArrayOf("text", JobRows.column(reschedules, e -> e.key().taskName())));
            ps.setArray(
                2,
                c.createArrayOf("text", JobRows.column(reschedules, e -> e.key().taskInstance())));
            ps.setArray(
                3, c.createArrayOf("int8", JobRows.column(reschedules, ExecutionEnd::version)));
            ps.setArray(
                4,
                c.createArrayOf(
                    "text",
                    JobRows.column(reschedules, e -> JobRows.instantText(e.nextExecutionTime()))));
            byte[][] data = new byte[reschedules.size()][];
            for (int i = 0; i < data.length; i++) {
              data[i] = rows.writeTaskData(reschedules.get(i).newData());
            }
            ps.setArray(5, c.createArrayOf("bytea", data));
            ps.setArray(
                6,
                c.createArrayOf(
                    "text",
                    JobRows.column(reschedules, e -> JobRows.instantText(e.lastSuccess()))));
            ps.setArray(
                7,
                c.createArrayOf(
                    "text",
                    JobRows.column(reschedules, e -> JobRows.instantText(e.lastFailure()))));
            ps.setArray(
                8,
                c.createArrayOf(
                    "int4", JobRows.column(reschedules, ExecutionEnd::consecutiveFailures)));
          },
          (RowCallbackHandler)
              rs -> matched.add(new ExecutionKey(rs.getString(1), rs.getString(2))));
    }
    return matched;
  }

  /** A job whose execution is gone for good, with its final state. */
  record JobEnd(String id, JobState state, String error) {
    JobEnd {
      if (!state.terminal()) {
        throw new IllegalArgumentException("not a final state: " + state);
      }
    }
  }

  /** Records that the job's execution is gone for good, with its final state. */
  void finish(String id, JobState state, String error) {
    if (!state.terminal()) {
      throw new IllegalArgumentException("not a final state: " + state);
    }
    jdbc.update(
        schema.sql(
            "update kairos_job set state = ?, last_error = ?, finished_at = now(), updated_at = now()"
                + " where id = ?"),
        state.name(),
        RunHistoryStore.truncate(error),
        id);
  }

  /** {@link #finish} for many jobs, in one statement. */
  void finishAll(List<JobEnd> ends) {
    if (ends.isEmpty()) {
      return;
    }
    List<JobEnd> sorted = new ArrayList<>(ends);
    sorted.sort(java.util.Comparator.comparing(JobEnd::id));
    jdbc.update(
        schema.sql(
            "update kairos_job j set state = x.state, last_error = x.error, finished_at = now(),"
                + " updated_at = now() from unnest(?::text[], ?::text[], ?::text[])"
                + " as x(id, state, error) where j.id = x.id"),
        ps -> {
          Connection c = ps.getConnection();
          ps.setArray(1, c.createArrayOf("text", JobRows.column(sorted, JobEnd::id)));
          ps.setArray(2, c.createArrayOf("text", JobRows.column(sorted, e -> e.state().name())));
          ps.setArray(
              3,
              c.createArrayOf(
                  "text", JobRows.column(sorted, e -> RunHistoryStore.truncate(e.error()))));
        });
  }

  /**
   * Remembers the latest failure of jobs that go on (recurring, or retried), id → error, in one
   * statement.
   */
  void recordErrors(Map<String, String> errors) {
    if (errors.isEmpty()) {
      return;
    }
    List<Map.Entry<String, String>> sorted = new ArrayList<>(errors.entrySet());
    sorted.sort(Map.Entry.comparingByKey());
    jdbc.update(
        schema.sql(
            "update kairos_job j set last_error = x.error, updated_at = now()"
                + " from unnest(?::text[], ?::text[]) as x(id, error) where j.id = x.id"),
        ps -> {
          Connection c = ps.getConnection();
          ps.setArray(1, c.createArrayOf("text", JobRows.column(sorted, Map.Entry::getKey)));
          ps.setArray(
              2,
              c.createArrayOf(
                  "text", JobRows.column(sorted, e -> RunHistoryStore.truncate(e.getValue()))));
        });
  }
}
