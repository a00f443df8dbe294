package io.kairos.bench.peers;

import com.zaxxer.hikari.HikariDataSource;
import io.kairos.bench.throughput.DrainProgress;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.IntStream;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * JobRunr OSS on PostgreSQL storage draining a backlog of enqueued no-op jobs: one background job
 * server with as many workers as the other configurations have threads, its poll interval as short
 * as it accepts. Jobs are {@link JobRequest}s (no lambda analysis per job), enqueued in JobRunr's
 * own batches before the server starts.
 */
public final class JobRunrDrain {

  /** Shortest poll interval JobRunr OSS accepts; a backlog is fetched as workers free up anyway. */
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(5);

  private JobRunrDrain() {}

  /** A job that does nothing, handled by {@link NoopRequestHandler}. */
  public record NoopRequest(int number) implements JobRequest {
    @Override
    public Class<NoopRequestHandler> getJobRequestHandler() {
      return NoopRequestHandler.class;
    }
  }

  /** Does nothing; JobRunr instantiates it through the benchmark's {@link JobActivator}. */
  public static final class NoopRequestHandler implements JobRequestHandler<NoopRequest> {
    @Override
    public void run(NoopRequest request) {
      // no-op, like Kairos's noop type
    }
  }

  /** Executions per second from server start until every job has succeeded. */
  public static double drain(HikariDataSource pool, int executions, int workers, Duration limit)
      throws InterruptedException {
    JacksonJsonMapper json = new JacksonJsonMapper();
    StorageProvider storage = SqlStorageProviderFactory.using(pool);
    storage.setJobMapper(new org.jobrunr.jobs.mappers.JobMapper(json));
    new JobRequestScheduler(storage)
        .enqueue(IntStream.range(0, executions).mapToObj(NoopRequest::new));
    JdbcTemplate jdbc = new JdbcTemplate(pool);
    JobActivator activator =
        new JobActivator() {
          @Override
          public <T> T activateJob(Class<T> type) {
            return type.cast(new NoopRequestHandler());
          }
        };
    BackgroundJobServer server =
        new BackgroundJobServer(
            storage,
            json,
            activator,
            BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                .andName("bench-" + UUID.randomUUID())
                .andWorkerCount(workers)
                .andPollInterval(POLL_INTERVAL));
    long start = System.nanoTime();
    server.start();
    try {
      long remaining =
          DrainProgress.awaitDrained(
              executions,
              start,
              limit,
              () ->
                  jdbc.queryForObject(
                      "select count(*) from jobrunr_jobs where state <> 'SUCCEEDED'", Long.class));
      double seconds = (System.nanoTime() - start) / 1e9;
      return (executions - remaining) / seconds;
    } finally {
      server.stop();
      storage.close();
    }
  }
}
