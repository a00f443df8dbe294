package io.kairos.housekeeping;

import io.kairos.schema.KairosSchema;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The day partitions of history ({@code kairos_job_run}, partitioned by the UTC day of {@code
 * started_at}): which there are, and the migration's functions that add and drop one, each call its
 * own transaction. The functions serialise themselves with an advisory lock, so nodes calling them
 * together (or with a migration) neither fail nor do the same work twice.
 */
final class HistoryPartitionStore {

  /** How a day partition is named: {@code kairos_job_run_p} and its day, {@code yyyymmdd}. */
  private static final Pattern DAY_PARTITION =
      Pattern.compile("kairos_job_run_p(\\d{4})(\\d{2})(\\d{2})");

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;

  HistoryPartitionStore(DataSource dataSource, KairosSchema schema) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
  }

  /** The database's clock: partitions follow it, not this JVM's. */
  Instant now() {
    return Objects.requireNonNull(
            jdbc.queryForObject("select now()", java.sql.Timestamp.class), "now()")
        .toInstant();
  }

  /** The days that have a partition of their own, oldest first. */
  List<LocalDate> days() {
    return jdbc
        .queryForList(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                + " where i.inhparent = ?::regclass order by c.relname",
            String.class,
            schema.table("kairos_job_run"))
        .stream()
        .map(DAY_PARTITION::matcher)
        .filter(Matcher::matches)
        .map(
            m ->
                LocalDate.of(
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3))))
        .toList();
  }

  /**
   * Adds the partition of {@code day} unless it exists, or the default partition already holds rows
   * of that day (they stay there, pruned row by row); returns whether it added it.
   */
  boolean add(LocalDate day) {
    return Boolean.TRUE.equals(
        jdbc.queryForObject(
            "select " + schema.name() + ".kairos_job_run_add_partition(?)",
            Boolean.class,
            Date.valueOf(day)));
  }

  /**
   * Drops the partition of {@code day}, its dead jobs' rows first moved to the default partition
   * with their ids; returns how many rows went with it.
   */
  long drop(LocalDate day) {
    Long dropped =
        jdbc.queryForObject(
            "select " + schema.name() + ".kairos_job_run_drop_partition(?)",
            Long.class,
            Date.valueOf(day));
    return dropped == null ? 0 : dropped;
  }
}
