package io.kairos.bench.throughput;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.catalogue.BuiltInJobTypes;
import io.kairos.core.Kairos;
import io.kairos.execution.JobTask;
import io.kairos.execution.JobTasks;
import io.kairos.job.JobData;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.noop.NoopHandler;
import io.kairos.migration.KairosMigrations;
import io.kairos.registry.RunHistory;
import io.kairos.registry.TransactionJoiningDataSource;
import io.kairos.serialization.JsonSerializer;
import io.kairos.serialization.KairosJson;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * How many no-op executions per second one scheduler completes from a backlog, with db-scheduler's
 * plain one-time task and with Kairos's {@link JobTask} (history row per attempt, completion and
 * history in one transaction, claim check, timeout timer). A program, not a test: it prints a
 * table. Usage: {@code java -cp scheduler-bench/target/scheduler-bench.jar
 * io.kairos.bench.throughput.ThroughputBench [jdbc-url] [executions] [rounds]}.
 */
public final class ThroughputBench {

  private ThroughputBench() {}

  public static void main(String[] args) throws Exception {
    String server = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/postgres";
    int executions = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    System.out.printf(
        "Throughput from a backlog of %,d due no-op executions, one scheduler, 10 threads,"
            + " lock-and-fetch, %d rounds each (alternating)%n%n",
        executions, rounds);
    List<Double> plain = new ArrayList<>();
    List<Double> kairos = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      plain.add(run(server, executions, false, round));
      kairos.add(run(server, executions, true, round));
    }
    double plainBest = plain.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    double kairosBest = kairos.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    System.out.printf("%n%-36s %s%n", "", "executions/s per round (best)");
    System.out.printf(
        "%-36s %s  (%,.0f)%n", "db-scheduler one-time task", rounds(plain), plainBest);
    System.out.printf(
        "%-36s %s  (%,.0f)%n", "Kairos JobTask (with history)", rounds(kairos), kairosBest);
    System.out.printf("%-36s %.2f%n", "Kairos / db-scheduler (best)", kairosBest / plainBest);
  }

  private static String rounds(List<Double> values) {
    StringBuilder text = new StringBuilder();
    for (double v : values) {
      text.append(String.format("%,8.0f", v));
    }
    return text.toString();
  }

  private static double run(String server, int executions, boolean kairos, int round)
      throws Exception {
    String database = "kairos_throughput_" + (kairos ? "k" : "p") + round;
    try (Connection c = DriverManager.getConnection(server, "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("drop database if exists " + database);
      st.execute("create database " + database);
    }
    String url = server.replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("postgres");
    config.setMaximumPoolSize(16);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      KairosMigrations.migrate(pool);
      var json = KairosJson.newObjectMapper();
      JsonSerializer serializer = new JsonSerializer(json);
      DataSource joining = new TransactionJoiningDataSource(pool);
      Task<?> task;
      if (kairos) {
        JobTasks support =
            Kairos.builder(pool, new DataSourceTransactionManager(pool))
                .clock(new SystemClock())
                .build()
                .jobTasks(JobTasks.Settings.DEFAULTS);
        task = support.task(BuiltInJobTypes.NOOP, new NoopHandler());
      } else {
        task = Tasks.oneTime("plain", JobData.class).execute((instance, context) -> {});
      }
      SchedulerClient client =
          SchedulerClient.Builder.create(joining, task).serializer(serializer).build();
      JobData data = JobData.first(json.createObjectNode(), ScheduleSpec.at(Instant.now()), 3);
      List<TaskInstance<?>> batch = new ArrayList<>();
      for (int i = 0; i < executions; i++) {
        batch.add(new TaskInstance<>(task.getName(), "job-" + i, data));
      }
      client.scheduleBatch(batch, Instant.now());
      JdbcTemplate jdbc = new JdbcTemplate(pool);
      Scheduler scheduler =
          Scheduler.create(joining, task)
              .schedulerName(new SchedulerName.Fixed("bench"))
              .serializer(serializer)
              .threads(10)
              .pollUsingLockAndFetch(0.5, 1.0)
              .pollingInterval(Duration.ofMillis(100))
              .build();
      long start = System.nanoTime();
      scheduler.start();
      long deadline = start + Duration.ofMinutes(5).toNanos();
      while (System.nanoTime() < deadline
          && jdbc.queryForObject("select count(*) from scheduled_tasks", Integer.class) > 0) {
        Thread.sleep(20); // a benchmark driver polling for its end condition
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      scheduler.stop();
      int done =
          executions - jdbc.queryForObject("select count(*) from scheduled_tasks", Integer.class);
      double rate = done / seconds;
      System.out.printf(
          "round %d %-8s %,6d executions in %5.2f s = %,7.0f/s%s%n",
          round,
          kairos ? "Kairos" : "plain",
          done,
          seconds,
          rate,
          kairos
              ? String.format(
                  ", first attempts in history %,d", new RunHistory(pool).countFirstAttempts(""))
              : "");
      return rate;
    } finally {
      try (Connection c = DriverManager.getConnection(server, "postgres", "");
          Statement st = c.createStatement()) {
        st.execute("drop database if exists " + database);
      }
    }
  }
}
