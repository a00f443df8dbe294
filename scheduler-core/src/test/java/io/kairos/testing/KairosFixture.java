package io.kairos.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.Task;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.control.JobSubmitter;
import io.kairos.execution.ExecutionSupport;
import io.kairos.execution.JobTask;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.migration.KairosMigrations;
import io.kairos.node.NodeStore;
import io.kairos.registry.JobRegistry;
import io.kairos.registry.KairosSchedulerClient;
import io.kairos.registry.RunHistory;
import io.kairos.registry.TransactionJoiningDataSource;
import io.kairos.serialization.JsonSerializer;
import io.kairos.serialization.KairosJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A migrated test database with Kairos's stores wired as the worker wires them, for tests of core
 * that build their own db-scheduler instances.
 */
public final class KairosFixture implements AutoCloseable {

  public final TestDatabases.TestDatabase database;
  public final HikariDataSource dataSource;
  public final DataSource schedulerDataSource;
  public final ObjectMapper json = KairosJson.newObjectMapper();
  public final JsonSerializer serializer = new JsonSerializer(json);
  public final TransactionTemplate transactions;
  public final RunHistory runs;
  public final JobRegistry jobs;
  public final NodeStore nodes;
  public final JdbcTemplate jdbc;
  private final Map<JobType<?>, JobHandler<?>> handlers;
  public final JobCatalogue catalogue;

  public KairosFixture(Map<JobType<?>, JobHandler<?>> handlers, int poolSize) {
    this.database = TestDatabases.newDatabase();
    this.dataSource = database.dataSource(poolSize);
    KairosMigrations.migrate(dataSource);
    this.schedulerDataSource = new TransactionJoiningDataSource(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    this.runs = new RunHistory(dataSource);
    this.jobs = new JobRegistry(dataSource, json);
    this.nodes = new NodeStore(dataSource);
    this.jdbc = new JdbcTemplate(dataSource);
    this.handlers = handlers;
    this.catalogue = new JobCatalogue(new ArrayList<>(handlers.keySet()), json);
  }

  public ExecutionSupport support(Clock clock, PersistedBackoff backoff) {
    return new ExecutionSupport(catalogue, runs, jobs, transactions, clock, backoff);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public List<Task<?>> tasks(ExecutionSupport support) {
    List<Task<?>> tasks = new ArrayList<>();
    handlers.forEach(
        (type, handler) -> tasks.add(new JobTask((JobType) type, (JobHandler) handler, support)));
    return tasks;
  }

  public JobSubmitter submitter(Clock clock) {
    SchedulerClient client = KairosSchedulerClient.create(dataSource, serializer);
    return new JobSubmitter(jobs, client, transactions, clock, io.kairos.wakeup.DueListener.NONE);
  }

  public NewJob job(String id, String type, JsonNode payload, ScheduleSpec schedule, int attempts) {
    return new NewJob(
        id,
        type,
        null,
        payload == null ? json.createObjectNode() : payload,
        schedule,
        attempts,
        0,
        UUID.randomUUID().toString(),
        "test");
  }

  public JsonNode payload(String jsonText) {
    try {
      return json.readTree(jsonText);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
