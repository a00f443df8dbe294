package io.kairos.deadjob;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.registry.JobRows;
import io.kairos.registry.JobTables;
import io.kairos.schema.KairosSchema;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The statements on dead jobs: list them, requeue one (state back to ACTIVE and a new first
 * execution, in the caller's transaction), delete one. {@link DeadJobs} is the feature's face.
 */
public final class DeadJobStore {

  private static final String DEAD =
      "select j.*, (select r.attempt from kairos_job_run r where r.job_id = j.id order by r.id desc"
          + " limit 1) as attempts from kairos_job j where j.state = 'DEAD' ";

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;
  private final JobTables tables;
  private final JobRows rows;

  private final PayloadSecrets secrets;

  public DeadJobStore(JobTables tables, PayloadSecrets secrets) {
    this.secrets = secrets;
    this.jdbc = new JdbcTemplate(tables.dataSource());
    this.schema = tables.schema();
    this.tables = tables;
    this.rows = tables.rows();
  }

  /** Dead jobs in id order, after {@code afterId} (null: from the start), optionally of a type. */
  public List<DeadJob> deadJobs(String type, String afterId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    return jdbc.query(
        schema.sql(DEAD + "and (?::text is null or j.type = ?) and j.id > ? order by j.id limit ?"),
        this::mapDead,
        type,
        type,
        afterId == null ? "" : afterId,
        limit);
  }

  /** One page of dead jobs' ids, in id order after {@code afterId}, of a type and/or group. */
  public List<String> deadIds(String type, String group, String afterId, int limit) {
    return jdbc.queryForList(
        schema.sql(
            "select id from kairos_job where state = 'DEAD' and (?::text is null or type = ?) and"
                + " (?::text is null or job_group = ?) and id > ? order by id limit ?"),
        String.class,
        type,
        type,
        group,
        group,
        afterId == null ? "" : afterId,
        limit);
  }

  /** The dead job with this id, if there is one. */
  public Optional<DeadJob> deadJob(String id) {
    return jdbc.query(schema.sql(DEAD + "and j.id = ?"), this::mapDead, id).stream().findFirst();
  }

  /** How many jobs are dead. */
  public long deadCount() {
    Long n =
        jdbc.queryForObject(
            schema.sql("select count(*) from kairos_job where state = 'DEAD'"), Long.class);
    return n == null ? 0 : n;
  }

  /**
   * Makes a dead job ACTIVE again with a new first execution (now; a recurring job at its next
   * occurrence), in the caller's transaction; its history goes on. Empty when the job is not DEAD.
   */
  public Optional<Instant> requeueDead(String id) {
    List<NewJob> revived =
        jdbc.query(
            schema.sql(
                "update kairos_job set state = 'ACTIVE', finished_at = null, stale_since = null,"
                    + " updated_at = now() where id = ? and state = 'DEAD' returning *"),
            rows::definition,
            id);
    if (revived.isEmpty()) {
      return Optional.empty();
    }
    NewJob job = revived.get(0);
    Instant now = tables.clock().now();
    Instant next = job.schedule().recurring() ? job.schedule().firstExecution(now) : now;
    // Its payload was sealed when it was stored; sealing again passes sealed values through.
    tables.scheduleFirst(secrets.seal(job), next);
    return Optional.of(next);
  }

  /** Deletes a dead job (its history stays until pruned); false if no dead job has this id. */
  public boolean deleteDead(String id) {
    return jdbc.update(schema.sql("delete from kairos_job where id = ? and state = 'DEAD'"), id)
        == 1;
  }

  private DeadJob mapDead(ResultSet rs, int row) throws SQLException {
    Number attempts = (Number) rs.getObject("attempts");
    return new DeadJob(
        rs.getString("id"),
        rs.getString("type"),
        rs.getString("job_group"),
        rows.read(rs.getString("payload"), JsonNode.class),
        rows.read(rs.getString("schedule"), ScheduleSpec.class),
        rs.getInt("max_attempts"),
        rs.getInt("priority"),
        attempts == null ? null : attempts.intValue(),
        rs.getString("last_error"),
        JobRows.instant(rs, "finished_at"),
        JobRows.instant(rs, "created_at"),
        rs.getString("created_by"));
  }
}
