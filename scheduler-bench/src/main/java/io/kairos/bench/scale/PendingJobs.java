package io.kairos.bench.scale;

import io.kairos.bench.cluster.BenchJobStore;
import io.kairos.core.Kairos;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.schema.KairosSchema;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntConsumer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Many noop jobs written fast, in exactly the shape the core writes them: one job is created
 * through {@code JobStore.create} (its registry row, and its execution with task data from the
 * core's {@code JsonSerializer}), then copied column for column by {@link
 * BenchJobStore#writeCopies} ({@code insert … select … from generate_series}) under new ids, and
 * removed. Ids are {@code prefix} + a zero-padded number, so they sort as they are numbered.
 */
public final class PendingJobs {

  private static final int CHUNK = 1_000_000;

  private final Kairos kairos;
  private final JdbcTemplate jdbc;
  private final BenchJobStore copies;

  public PendingJobs(Kairos kairos) {
    this.kairos = kairos;
    this.jdbc = new JdbcTemplate(kairos.schedulerDataSource());
    this.copies = new BenchJobStore(kairos.schedulerDataSource(), kairos.schema());
  }

  /**
   * Adds jobs {@code prefix + from} up to {@code prefix + (to - 1)}, each due at {@code due}, with
   * the cluster's default misfire grace, reporting each chunk written.
   */
  public void insert(String prefix, int from, int to, Instant due, IntConsumer written) {
    insert(prefix, from, to, due, null, written);
  }

  /**
   * As {@link #insert(String, int, int, Instant, IntConsumer)}, with a misfire grace of their own
   * ({@code MisfirePolicy.NONE}: a backlog longer than the default grace still runs).
   */
  public void insert(
      String prefix, int from, int to, Instant due, Duration misfireGrace, IntConsumer written) {
    String template = prefix + "template";
    // One transaction: a template due now must not be run by a worker before it is copied.
    kairos
        .transactions()
        .executeWithoutResult(
            tx -> {
              kairos
                  .jobs()
                  .create(
                      kairos
                          .payloadSecrets()
                          .seal(
                              new NewJob(
                                  template,
                                  BuiltInJobTypes.NOOP.name(),
                                  null,
                                  kairos.json().createObjectNode(),
                                  ScheduleSpec.at(due),
                                  3,
                                  0,
                                  "bench-pending",
                                  "bench",
                                  null,
                                  misfireGrace)),
                      JobSource.API);
              for (int start = from; start < to; start += CHUNK) {
                written.accept(
                    copies.writeCopies(template, prefix, start, Math.min(start + CHUNK, to)));
              }
              copies.deleteStartingWith(template);
            });
  }

  /** Moves every execution of jobs under {@code prefix} to {@code due}, unpicked. */
  public void release(String prefix, Instant due) {
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update scheduled_tasks set picked = false, picked_by = null, last_heartbeat = null,"
                + " execution_time = ? where task_instance like ?"),
        Timestamp.from(due),
        prefix + "%");
  }

  /** Removes the jobs under {@code prefix} and their executions. */
  public void delete(String prefix) {
    copies.deleteStartingWith(prefix);
  }

  /** Planner statistics and the visibility map up to date, as autovacuum would leave them. */
  public void vacuumAnalyze() {
    jdbc.execute("vacuum analyze");
  }
}
