package io.kairos.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import io.kairos.catalogue.SealedJob;
import io.kairos.job.JobData;
import io.kairos.job.NewJob;
import io.kairos.schema.KairosSchema;
import io.kairos.tracing.JobTraceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * What the stores of the job tables ({@code kairos_job} and the executions Kairos writes to
 * db-scheduler's {@code scheduled_tasks}) are built on: the data source the caller's transactions
 * manage, the shared row mapping ({@link JobRows}), "now", and the one way a job's first execution
 * is put into {@code scheduled_tasks} — db-scheduler's client on a {@link
 * TransactionJoiningDataSource}, so it joins the caller's transaction and a job row and its
 * execution change together or not at all. Runs no statement of its own.
 */
public final class JobTables {

  private final DataSource dataSource;
  private final JobRows rows;
  private final SchedulerClient schedulerClient;
  private final Clock clock;
  private final KairosSchema schema;

  /**
   * @param dataSource the DataSource the caller's transactions manage
   * @param json Kairos's mapper for stored JSON ({@code KairosJson})
   * @param clock "now" for first execution times (the database's clock in production)
   * @param schema where Kairos's tables are
   */
  public JobTables(DataSource dataSource, ObjectMapper json, Clock clock, KairosSchema schema) {
    this.dataSource = dataSource;
    this.rows = new JobRows(json);
    this.schedulerClient = KairosSchedulerClient.create(dataSource, rows.taskData(), schema);
    this.clock = clock;
    this.schema = schema;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public JobRows rows() {
    return rows;
  }

  /** db-scheduler's client on the same DataSource and serializer (writes join the transaction). */
  public SchedulerClient schedulerClient() {
    return schedulerClient;
  }

  public Clock clock() {
    return clock;
  }

  /** Where Kairos's tables are: every statement on them names them through it. */
  public KairosSchema schema() {
    return schema;
  }

  /** Created within a traced request: its attempts join that trace ({@link JobTraceContext}). */
  private static JobData firstData(NewJob job) {
    return job.firstData().withTraceParent(JobTraceContext.current());
  }

  /**
   * The first execution of a new (or newly defined) job at {@code at}, from {@link
   * NewJob#firstData()}; fails if the job still has one.
   */
  public void scheduleFirst(SealedJob sealed, Instant at) {
    NewJob job = sealed.job();
    boolean scheduled =
        schedulerClient.scheduleIfNotExists(
            firstData(job).instance(job.type(), job.id(), job.priority()), at);
    if (!scheduled) {
      throw new IllegalStateException("job '" + job.id() + "' still has an execution");
    }
  }

  /**
   * The first executions of new jobs, through db-scheduler's own insert (one JDBC batch). A
   * leftover execution of one of these ids fails the batch, and with it the caller's transaction: a
   * job is never created without its own first execution.
   */
  public void scheduleFirst(List<SealedJob> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    if (jobs.size() == 1) {
      SealedJob job = jobs.get(0);
      scheduleFirst(job, job.job().schedule().firstExecution(clock.now()));
      return;
    }
    Instant now = clock.now();
    List<SchedulableInstance<?>> executions = new ArrayList<>(jobs.size());
    for (SealedJob sealed : jobs) {
      NewJob job = sealed.job();
      executions.add(
          SchedulableInstance.of(
              firstData(job).instance(job.type(), job.id(), job.priority()),
              job.schedule().firstExecution(now)));
    }
    try {
      schedulerClient.scheduleBatch(executions);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "a job among " + jobs.size() + " new ones still has an execution", e);
    }
  }
}
