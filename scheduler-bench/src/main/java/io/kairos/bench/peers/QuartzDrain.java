package io.kairos.bench.peers;

import io.kairos.bench.throughput.DrainProgress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Quartz clustered on JDBC (JobStoreTX, PostgreSQL delegate, its own HikariCP pool) draining a
 * backlog of one-shot no-op jobs whose triggers are all due: one scheduler instance, as many
 * threads as the other configurations. Tables come from the script shipped in the Quartz jar.
 * Quartz acquires one trigger per lock by default; like most clustered deployments, this one
 * acquires up to a thread pool's worth per acquisition ({@code batchTriggerAcquisitionMaxCount}).
 */
public final class QuartzDrain {

  private static final String TABLES_SCRIPT = "/org/quartz/impl/jdbcjobstore/tables_postgres.sql";
  private static final int INSERT_BATCH = 1_000;

  private QuartzDrain() {}

  /** Does nothing. */
  public static final class NoopJob implements Job {
    @Override
    public void execute(JobExecutionContext context) {
      // no-op, like Kairos's noop type
    }
  }

  /** Executions per second from scheduler start until no trigger is left. */
  public static double drain(
      DataSource pool,
      String jdbcUrl,
      String user,
      String password,
      int executions,
      int threads,
      Duration limit)
      throws SQLException, IOException, SchedulerException, InterruptedException {
    createTables(pool);
    Properties properties = properties(jdbcUrl, user, password, threads);
    JdbcTemplate jdbc = new JdbcTemplate(pool);
    // Each scheduler instance's pool keeps its connections, and with them the plans PostgreSQL
    // cached for Quartz's prepared statements: plans made while the tables were empty scan them
    // whole. So the backlog is written by instances that never start, in two steps with ANALYZE
    // after each (as autovacuum would do), and a fresh instance drains it.
    Date due = new Date();
    int firstStep = Math.min(INSERT_BATCH, executions);
    schedule(properties, 0, firstStep, due, executions);
    jdbc.execute("analyze");
    schedule(properties, firstStep, executions, due, executions);
    jdbc.execute("analyze");
    Scheduler scheduler = new StdSchedulerFactory(properties).getScheduler();
    try {
      long start = System.nanoTime();
      scheduler.start();
      long remaining =
          DrainProgress.awaitDrained(
              executions,
              start,
              limit,
              () -> jdbc.queryForObject("select count(*) from qrtz_triggers", Long.class));
      double seconds = (System.nanoTime() - start) / 1e9;
      return (executions - remaining) / seconds;
    } finally {
      scheduler.shutdown(false);
    }
  }

  /** Schedules jobs {@code from} to {@code to - 1} through an instance that is never started. */
  private static void schedule(Properties properties, int from, int to, Date due, int total)
      throws SchedulerException {
    Scheduler writer = new StdSchedulerFactory(properties).getScheduler();
    try {
      for (int start = from; start < to; start += INSERT_BATCH) {
        Map<JobDetail, Set<? extends Trigger>> batch = new HashMap<>();
        for (int i = start; i < Math.min(start + INSERT_BATCH, to); i++) {
          JobDetail job = JobBuilder.newJob(NoopJob.class).withIdentity("job-" + i).build();
          Trigger trigger =
              TriggerBuilder.newTrigger()
                  .withIdentity("trigger-" + i)
                  .startAt(due)
                  .withSchedule(SimpleScheduleBuilder.simpleSchedule())
                  .build();
          batch.put(job, Set.of(trigger));
        }
        writer.scheduleJobs(batch, false);
        int written = Math.min(start + INSERT_BATCH, to);
        if (written % (5 * INSERT_BATCH) == 0 || written == total) {
          System.out.printf("        scheduled %,d of %,d Quartz jobs%n", written, total);
        }
      }
    } finally {
      writer.shutdown(false);
    }
  }

  private static Properties properties(String jdbcUrl, String user, String password, int threads) {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "bench");
    p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty(
        "org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(threads));
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
    p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    p.setProperty(
        "org.quartz.jobStore.driverDelegateClass",
        "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    p.setProperty("org.quartz.jobStore.isClustered", "true");
    p.setProperty("org.quartz.jobStore.dataSource", "bench");
    // The whole backlog is due at once; without this, triggers older than a minute would first go
    // through misfire handling, which is not what is measured.
    p.setProperty("org.quartz.jobStore.misfireThreshold", "3600000");
    p.setProperty("org.quartz.dataSource.bench.provider", "hikaricp");
    p.setProperty("org.quartz.dataSource.bench.driver", "org.postgresql.Driver");
    p.setProperty("org.quartz.dataSource.bench.URL", jdbcUrl);
    p.setProperty("org.quartz.dataSource.bench.user", user);
    p.setProperty("org.quartz.dataSource.bench.password", password);
    p.setProperty("org.quartz.dataSource.bench.maxConnections", Integer.toString(threads + 3));
    return p;
  }

  private static void createTables(DataSource pool) throws SQLException, IOException {
    String script;
    try (InputStream in = QuartzDrain.class.getResourceAsStream(TABLES_SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException(TABLES_SCRIPT + " is not in the Quartz jar");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    StringBuilder withoutComments = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.trim().startsWith("--") && !line.trim().startsWith("#")) {
        withoutComments.append(line).append('\n');
      }
    }
    try (Connection c = pool.getConnection();
        Statement st = c.createStatement()) {
      for (String statement : withoutComments.toString().split(";")) {
        String sql = statement.trim();
        if (!sql.isEmpty() && !sql.equalsIgnoreCase("commit")) {
          st.execute(sql);
        }
      }
    }
  }
}
