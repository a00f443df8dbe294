package io.kairos.declared;

import io.kairos.catalogue.SealedJob;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.registry.JobRows;
import io.kairos.registry.JobTables;
import io.kairos.schema.KairosSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The statements of reconciling declared jobs, in the caller's transaction: the cluster-wide lock,
 * what is declared now, a declared job's new definition, and the marks of API jobs that shadow a
 * declaration. Jobs are created and removed through the job store's one path.
 */
final class DeclarationStore {

  /** Advisory lock key that serialises reconciling declared jobs ("Kairos" in ASCII). */
  private static final long DECLARATIONS_LOCK = 0x4b6169726f73L;

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;
  private final JobTables tables;
  private final JobRows rows;

  DeclarationStore(JobTables tables) {
    this.jdbc = new JdbcTemplate(tables.dataSource());
    this.schema = tables.schema();
    this.tables = tables;
    this.rows = tables.rows();
  }

  /** Where each job of a source came from, by id, with its request hash. */
  Map<String, String> requestHashesOf(JobSource source) {
    Map<String, String> hashes = new LinkedHashMap<>();
    jdbc.query(
        schema.sql("select id, request_hash from kairos_job where source = ? order by id"),
        rs -> {
          hashes.put(rs.getString(1), rs.getString(2));
        },
        source.name());
    return hashes;
  }

  /**
   * Holds the cluster-wide lock on declared jobs until the caller's transaction ends, so workers
   * starting together reconcile one after the other.
   */
  void lockDeclarations() {
    jdbc.queryForList("select pg_advisory_xact_lock(?)", DECLARATIONS_LOCK);
  }

  /**
   * Marks the jobs (not declared ones) whose ids a worker's configuration declares as well, and
   * clears the mark of all others: the configuration of the worker that reconciled last decides.
   */
  void markShadowingDeclarations(List<String> ids) {
    String[] marked = ids.toArray(String[]::new);
    jdbc.update(
        schema.sql(
            "update kairos_job set shadows_declaration = (id = any(?)) where source <> 'CONFIG' and"
                + " (shadows_declaration or id = any(?))"),
        marked,
        marked);
  }

  /**
   * Replaces a declared job's definition (not its history) and gives it a fresh first execution.
   * Its old execution must be gone ({@code JobStore.dropExecution}).
   */
  void redefineDeclared(SealedJob sealed) {
    NewJob job = sealed.job();
    jdbc.update(
        schema.sql(
            "update kairos_job set "
                + JobRows.DEFINITION
                + ", state = 'ACTIVE', finished_at = null, last_error = null, stale_since = null,"
                + " updated_at = now(), updated_by = ? where id = ? and source = 'CONFIG'"),
        rows.definitionAnd(sealed, job.createdBy(), job.id()));
    tables.scheduleFirst(sealed, job.schedule().firstExecution(tables.clock().now()));
  }
}
