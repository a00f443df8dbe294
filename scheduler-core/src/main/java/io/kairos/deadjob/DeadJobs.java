package io.kairos.deadjob;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import io.kairos.job.DeadJob;
import io.kairos.job.JobData;
import io.kairos.job.ScheduleSpec;
import io.kairos.wakeup.DueListener;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Dead jobs: one-time jobs whose execution ended in failure for good ({@code kairos_job.state =
 * 'DEAD'}, written by {@code JobTask} in the transaction that removed the execution). They keep
 * their payload, schedule and last error; their attempts are in history. They can be listed,
 * requeued (run again from attempt 1) or deleted.
 *
 * <p>{@code schedulerClient} must write through a {@code TransactionJoiningDataSource} over the
 * DataSource {@code transactions} manage, so a requeue changes the job and inserts its execution in
 * one transaction.
 */
public final class DeadJobs {

  private static final String SELECT =
      "select j.*, (select r.attempt from kairos_job_run r where r.job_id = j.id order by r.id desc"
          + " limit 1) as attempts from kairos_job j where j.state = 'DEAD' ";

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;
  private final SchedulerClient schedulerClient;
  private final TransactionOperations transactions;
  private final Clock clock;
  private final DueListener dueListener;

  public DeadJobs(
      DataSource dataSource,
      ObjectMapper json,
      SchedulerClient schedulerClient,
      TransactionOperations transactions,
      Clock clock,
      DueListener dueListener) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.json = Objects.requireNonNull(json, "json");
    this.schedulerClient = Objects.requireNonNull(schedulerClient, "schedulerClient");
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dueListener = Objects.requireNonNull(dueListener, "dueListener");
  }

  /**
   * Dead jobs in id order, after {@code afterId} (null: from the start), optionally of one type.
   */
  public List<DeadJob> list(String type, String afterId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    return jdbc.query(
        SELECT + "and (?::text is null or j.type = ?) and j.id > ? order by j.id limit ?",
        this::map,
        type,
        type,
        afterId == null ? "" : afterId,
        limit);
  }

  /** The dead job with this id, if there is one. */
  public Optional<DeadJob> find(String id) {
    return jdbc.query(SELECT + "and j.id = ?", this::map, id).stream().findFirst();
  }

  /** How many jobs are dead, for a gauge. */
  public long count() {
    Long n =
        jdbc.queryForObject("select count(*) from kairos_job where state = 'DEAD'", Long.class);
    return n == null ? 0 : n;
  }

  /**
   * Runs a dead job again: now, from attempt 1, with its payload, schedule, attempts limit and
   * priority. The job is active again and its history goes on. Of two concurrent requeues of one
   * job, one requeues and the other finds it {@link Requeue.Outcome#NOT_DEAD}.
   */
  public Requeue requeue(String id) {
    Requeue requeue =
        transactions.execute(
            tx -> {
              List<Revived> revived =
                  jdbc.query(
                      "update kairos_job set state = 'ACTIVE', finished_at = null, stale_since ="
                          + " null, updated_at = now() where id = ? and state = 'DEAD' returning"
                          + " type, payload, schedule, max_attempts, priority, timeout,"
                          + " misfire_grace",
                      (rs, row) ->
                          new Revived(
                              rs.getString("type"),
                              read(rs.getString("payload"), JsonNode.class),
                              read(rs.getString("schedule"), ScheduleSpec.class),
                              rs.getInt("max_attempts"),
                              rs.getInt("priority"),
                              duration(rs.getString("timeout")),
                              duration(rs.getString("misfire_grace"))),
                      id);
              if (revived.isEmpty()) {
                Integer exists =
                    jdbc.queryForObject(
                        "select count(*) from kairos_job where id = ?", Integer.class, id);
                return new Requeue(
                    exists != null && exists > 0
                        ? Requeue.Outcome.NOT_DEAD
                        : Requeue.Outcome.NOT_FOUND,
                    null);
              }
              Revived job = revived.get(0);
              Instant now = clock.now();
              Instant next = job.schedule().recurring() ? job.schedule().firstExecution(now) : now;
              boolean scheduled =
                  schedulerClient.scheduleIfNotExists(
                      JobData.first(
                              job.payload(),
                              job.schedule(),
                              job.maxAttempts(),
                              job.timeout(),
                              job.misfireGrace())
                          .instance(job.type(), id, job.priority()),
                      next);
              if (!scheduled) {
                throw new IllegalStateException("dead job '" + id + "' still had an execution");
              }
              return new Requeue(Requeue.Outcome.REQUEUED, next);
            });
    if (requeue.outcome() == Requeue.Outcome.REQUEUED) {
      dueListener.scheduled(requeue.nextRunAt());
    }
    return requeue;
  }

  /** Deletes a dead job (its history stays until pruned); false if no dead job has this id. */
  public boolean delete(String id) {
    return jdbc.update("delete from kairos_job where id = ? and state = 'DEAD'", id) == 1;
  }

  /** What a requeue did; {@code nextRunAt} when requeued. */
  public record Requeue(Outcome outcome, Instant nextRunAt) {

    public enum Outcome {
      /** Scheduled again. */
      REQUEUED,
      /** No job has this id. */
      NOT_FOUND,
      /** The job exists but is not dead (e.g. requeued meanwhile, or still pending). */
      NOT_DEAD
    }
  }

  private static java.time.Duration duration(String text) {
    return text == null ? null : java.time.Duration.parse(text);
  }

  private record Revived(
      String type,
      JsonNode payload,
      ScheduleSpec schedule,
      int maxAttempts,
      int priority,
      java.time.Duration timeout,
      java.time.Duration misfireGrace) {}

  private DeadJob map(ResultSet rs, int row) throws SQLException {
    Number attempts = (Number) rs.getObject("attempts");
    return new DeadJob(
        rs.getString("id"),
        rs.getString("type"),
        rs.getString("job_group"),
        read(rs.getString("payload"), JsonNode.class),
        read(rs.getString("schedule"), ScheduleSpec.class),
        rs.getInt("max_attempts"),
        rs.getInt("priority"),
        attempts == null ? null : attempts.intValue(),
        rs.getString("last_error"),
        instant(rs, "finished_at"),
        instant(rs, "created_at"),
        rs.getString("created_by"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }

  private <T> T read(String value, Class<T> type) {
    if (value == null) {
      return null;
    }
    try {
      return json.readValue(value, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is unreadable as " + type.getSimpleName(), e);
    }
  }
}
