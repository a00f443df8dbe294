package io.kairos.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.github.kagkarlsson.scheduler.task.Task;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.SealedJob;
import io.kairos.control.ControlStore;
import io.kairos.control.JobSubmitter;
import io.kairos.core.Kairos;
import io.kairos.crypto.CipherSettings;
import io.kairos.deadjob.DeadJobs;
import io.kairos.execution.JobTasks;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.JobHandler;
import io.kairos.job.JobState;
import io.kairos.job.JobType;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.migration.KairosMigrations;
import io.kairos.node.NodeStore;
import io.kairos.registry.JobStore;
import io.kairos.registry.RunHistoryStore;
import io.kairos.schema.KairosSchema;
import io.kairos.serialization.JsonSerializer;
import io.kairos.serialization.KairosJson;
import io.kairos.wakeup.DueListener;
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
 * A migrated test database with Kairos's core built on it through the one entry point, {@link
 * Kairos}, for tests of core that build their own db-scheduler instances.
 */
public final class KairosFixture implements AutoCloseable {

  public final TestDatabases.TestDatabase database;
  public final HikariDataSource dataSource;
  public final DataSource schedulerDataSource;
  public final ObjectMapper json;
  public final JsonSerializer serializer;
  public final TransactionTemplate transactions;
  public final RunHistoryStore runs;
  public final JobStore jobs;
  public final ControlStore controls;
  public final DeadJobs deadJobs;
  public final NodeStore nodes;
  public final JdbcTemplate jdbc;
  private final Map<JobType<?>, JobHandler<?>> handlers;
  public final JobCatalogue catalogue;
  private final Kairos kairos;

  public KairosFixture(Map<JobType<?>, JobHandler<?>> handlers, int poolSize) {
    this(TestDatabases.newDatabase(), handlers, poolSize);
  }

  /** On {@code database}: a server of the test's own, say, rather than the shared one. */
  public KairosFixture(
      TestDatabases.TestDatabase database, Map<JobType<?>, JobHandler<?>> handlers, int poolSize) {
    this.database = database;
    this.dataSource = database.dataSource(poolSize);
    KairosMigrations.migrate(dataSource);
    this.handlers = handlers;
    this.kairos = kairos(dataSource, new SystemClock());
    this.json = kairos.json();
    this.serializer = kairos.serializer();
    this.catalogue = kairos.catalogue();
    this.schedulerDataSource = kairos.schedulerDataSource();
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    this.runs = kairos.runs();
    this.jobs = kairos.jobs();
    this.controls = kairos.controlStore();
    this.deadJobs = kairos.deadJobs();
    this.nodes = kairos.nodes();
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /** The core on this database with {@code clock}, knowing the fixture's job types. */
  public Kairos kairos(Clock clock) {
    return kairos(dataSource, clock);
  }

  /** The core on this database with {@code clock}, telling {@code listener} of due jobs. */
  public Kairos kairos(Clock clock, DueListener listener) {
    return builder(dataSource, clock).dueListener(listener).build();
  }

  /** The core on another pool of this database (one per simulated worker). */
  public Kairos kairos(DataSource pool, Clock clock) {
    return builder(pool, clock).build();
  }

  /** The encryption key of every core this fixture builds (secret payload values are sealed). */
  public static final String ENCRYPTION_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";

  private Kairos.Builder builder(DataSource pool, Clock clock) {
    return Kairos.builder(pool, new DataSourceTransactionManager(pool))
        .clock(clock)
        .cipher(CipherSettings.cipher(ENCRYPTION_KEY, "k1", null))
        .catalogue(
            new JobCatalogue(new ArrayList<>(handlers.keySet()), KairosJson.newObjectMapper()));
  }

  /** A worker's task factory on this database. */
  public JobTasks jobTasks(Clock clock, PersistedBackoff backoff) {
    return jobTasks(dataSource, clock, backoff);
  }

  /** A worker's task factory whose cluster default misfire grace is {@code defaultGrace}. */
  public JobTasks jobTasks(Clock clock, PersistedBackoff backoff, Duration defaultGrace) {
    return builder(dataSource, clock)
        .defaultMisfireGrace(defaultGrace)
        .build()
        .jobTasks(JobTasks.Settings.DEFAULTS.withBackoff(backoff));
  }

  /** A worker's task factory on another pool of this database. */
  public JobTasks jobTasks(DataSource pool, Clock clock, PersistedBackoff backoff) {
    return kairos(pool, clock).jobTasks(JobTasks.Settings.DEFAULTS.withBackoff(backoff));
  }

  /** The tasks of every job type this fixture was made with. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public List<Task<?>> tasks(JobTasks jobTasks) {
    List<Task<?>> tasks = new ArrayList<>();
    handlers.forEach(
        (type, handler) -> tasks.add(jobTasks.task((JobType) type, (JobHandler) handler)));
    return tasks;
  }

  public JobSubmitter submitter(Clock clock) {
    return kairos(clock).submitter();
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

  /**
   * Marks a job finished with {@code state} as a completion does (a dead job, without running it to
   * its end).
   */
  public void finish(String id, JobState state, String error) {
    jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update kairos_job set state = ?, last_error = ?, finished_at = now(), updated_at = now()"
                + " where id = ?"),
        state.name(),
        error,
        id);
  }

  /** {@code job} as the registry stores it: its secret payload values sealed. */
  public SealedJob sealed(NewJob job) {
    return kairos.payloadSecrets().seal(job);
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
