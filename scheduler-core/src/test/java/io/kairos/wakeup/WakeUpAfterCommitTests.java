package io.kairos.wakeup;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.kairos.control.JobSubmitter;
import io.kairos.core.Kairos;
import io.kairos.execution.JobTasks;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRequest;
import io.kairos.job.JobType;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Workers are woken one way, whoever schedules the job: {@code NOTIFY kairos_due} sent by the
 * {@link WakeUpSender} once the transaction that scheduled it committed — an application's own
 * transaction, or the one that records an attempt with its follow-ups — and never for a job rolled
 * back.
 */
class WakeUpAfterCommitTests {

  record Chain(String next) {}

  static final JobType<Chain> CHAIN = new JobType<>("chain", Chain.class, "asks for a follow-up");

  static final JobHandler<Chain> CHAIN_HANDLER =
      (payload, context) -> context.schedule(JobRequest.of(payload.next(), "noop", null));

  static KairosFixture fixture;
  SettableClock clock;
  WakeUpSender sender;
  Kairos kairos;
  Connection listener;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(CHAIN, CHAIN_HANDLER, Noop.TYPE, new Noop()), 4);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @BeforeEach
  void listen() throws Exception {
    clock = new SettableClock();
    clock.set(Instant.now());
    sender = new WakeUpSender(fixture.dataSource, Duration.ofSeconds(10));
    kairos = fixture.kairos(clock, sender);
    Properties credentials = new Properties();
    credentials.setProperty("user", fixture.database.user());
    if (fixture.database.password() != null) {
      credentials.setProperty("password", fixture.database.password());
    }
    listener = DriverManager.getConnection(fixture.database.jdbcUrl(), credentials);
    try (Statement st = listener.createStatement()) {
      st.execute("LISTEN " + DueListener.CHANNEL);
    }
  }

  @AfterEach
  void stop() throws Exception {
    listener.close();
    sender.close();
  }

  @Test
  void aJobCreatedInTheCallersTransactionWakesTheWorkersOnlyOnceItCommits() throws Exception {
    JobSubmitter submitter = kairos.submitter();
    kairos
        .transactions()
        .executeWithoutResult(
            tx -> {
              submitter.submit(fixture.job("in-tx", "noop", null, ScheduleSpec.at(clock.now()), 3));
              assertThat(notificationsWithin(Duration.ofMillis(200))).isZero();
            });
    assertThat(notificationsWithin(Duration.ofSeconds(5))).isEqualTo(1);

    kairos
        .transactions()
        .executeWithoutResult(
            tx -> {
              submitter.submit(
                  fixture.job("rolled-back", "noop", null, ScheduleSpec.at(clock.now()), 3));
              tx.setRollbackOnly();
            });
    assertThat(fixture.jobs.find("rolled-back")).isEmpty();
    assertThat(notificationsWithin(Duration.ofMillis(500))).isZero();
  }

  @Test
  void aFollowUpWakesTheWorkersOnceTheAttemptIsRecorded() throws Exception {
    try (JobTasks tasks = kairos.jobTasks(JobTasks.Settings.DEFAULTS)) {
      ManualScheduler scheduler =
          (ManualScheduler)
              TestHelper.createManualScheduler(fixture.schedulerDataSource, fixture.tasks(tasks))
                  .clock(clock)
                  .serializer(fixture.serializer)
                  .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                  .build();
      kairos
          .submitter()
          .submit(
              fixture.job(
                  "first",
                  "chain",
                  fixture.payload("{\"next\": \"first-next\"}"),
                  ScheduleSpec.at(clock.now()),
                  1));
      assertThat(notificationsWithin(Duration.ofSeconds(5))).isEqualTo(1); // "first" is due

      scheduler.runAnyDueExecutions();

      assertThat(fixture.jobs.find("first-next")).isPresent();
      assertThat(notificationsWithin(Duration.ofSeconds(5))).isEqualTo(1);
    }
  }

  @Test
  void aWakeUpIsSentWithoutWaitingForTheDiskAndLeavesItsPooledConnectionDurable() throws Exception {
    try (com.zaxxer.hikari.HikariDataSource one = fixture.database.dataSource(1)) {
      // The session starts durable whatever the server's default (a test server may turn it off).
      try (Connection c = one.getConnection();
          Statement st = c.createStatement()) {
        st.execute("set synchronous_commit = on");
      }
      new WakeUpStore(one).wakeWorkersNow();
      assertThat(notificationsWithin(Duration.ofSeconds(5))).isEqualTo(1);
      // The one connection of the pool: the setting was the notifying transaction's alone.
      try (Connection c = one.getConnection();
          Statement st = c.createStatement();
          java.sql.ResultSet rs = st.executeQuery("show synchronous_commit")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("on");
      }
    }
  }

  /** Notifications received until {@code window} passed with none arriving after the first. */
  private int notificationsWithin(Duration window) {
    try {
      return received(listener.unwrap(PGConnection.class), window);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int received(PGConnection pg, Duration window) throws java.sql.SQLException {
    int received = 0;
    long until = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < until) {
      PGNotification[] batch = pg.getNotifications(50);
      if (batch != null && batch.length > 0) {
        received += batch.length;
        // Anything coalesced with it arrives within the sender's window; then stop waiting.
        until = Math.min(until, System.nanoTime() + Duration.ofMillis(100).toNanos());
      }
    }
    return received;
  }
}
