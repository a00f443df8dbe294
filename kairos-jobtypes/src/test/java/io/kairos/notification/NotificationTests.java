package io.kairos.notification;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.kairos.core.Kairos;
import io.kairos.execution.JobTasks;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.Job;
import io.kairos.job.JobEvent;
import io.kairos.job.JobFilter;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.JobType;
import io.kairos.job.NewJob;
import io.kairos.job.NotifyTarget;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.email.EmailHandler;
import io.kairos.jobtype.email.SmtpSettings;
import io.kairos.jobtype.webhook.WebhookHandler;
import io.kairos.jobtype.webhook.WebhookSigner;
import io.kairos.outbound.OutboundHttp;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.Resolver;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.TestHttpServer;
import io.kairos.testing.TestHttpServer.Received;
import io.kairos.testing.TestHttpServer.Reply;
import io.kairos.watchdog.StaleJobWatchdog;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Notifications end to end with real parts: failing jobs on a real PostgreSQL, notification jobs
 * run by the same worker through the real webhook and e-mail handlers, to a second local HTTP
 * server and to GreenMail, with the scheduler's clock stepped by hand.
 */
class NotificationTests {

  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  record Nothing() {}

  static final JobType<Nothing> FLAKY = new JobType<>("flaky", Nothing.class, "always fails");

  KairosFixture fixture;
  TestHttpServer target;
  TestHttpServer alerts;
  GreenMail mail;
  int smtpPort;
  SettableClock clock;
  ManualScheduler scheduler;
  Kairos kairos;
  StaleJobWatchdog watchdog;

  @BeforeEach
  void setUp() throws Exception {
    JobHandler<Nothing> failing =
        (payload, context) -> {
          throw new IllegalStateException("the ledger is locked");
        };
    fixture =
        new KairosFixture(
            Map.of(
                BuiltInJobTypes.WEBHOOK,
                (p, c) -> {},
                BuiltInJobTypes.EMAIL,
                (p, c) -> {},
                FLAKY,
                failing),
            4);
    target = TestHttpServer.start();
    alerts = TestHttpServer.start();
    try (ServerSocket free = new ServerSocket(0)) {
      smtpPort = free.getLocalPort();
    }
    mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    clock = new SettableClock();
    // The watchdog compares with created_at, written by the database: start at its time.
    clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  @AfterEach
  void tearDown() {
    target.close();
    alerts.close();
    mail.stop();
    fixture.close();
  }

  /** A worker whose notifications follow {@code rules}, at most one per job and event in 15 min. */
  void worker(NotificationSettings.Rule... rules) {
    kairos = fixture.kairos(clock);
    Notifications notifications =
        kairos.notifications(new NotificationSettings(List.of(rules), Duration.ofMinutes(15), 2));
    OutboundPolicy local =
        new OutboundPolicy(List.of(), true, List.of())
            .withAllowedPorts(List.of(target.port(), alerts.port()));
    WebhookHandler webhooks =
        new WebhookHandler(
            new OutboundHttp(Duration.ofSeconds(2), local, Resolver.SYSTEM),
            WebhookSigner.of(SECRET),
            Duration.ofSeconds(5),
            clock);
    EmailHandler email =
        new EmailHandler(
            SmtpSettings.plain("127.0.0.1", smtpPort, "Kairos <kairos@example.com>"), clock);
    JobTasks tasks =
        kairos.jobTasks(
            JobTasks.Settings.DEFAULTS
                .withBackoff(
                    new PersistedBackoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10)))
                .withNotifier(notifications));
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(
                    fixture.schedulerDataSource,
                    List.of(
                        tasks.task(BuiltInJobTypes.WEBHOOK, webhooks),
                        tasks.task(BuiltInJobTypes.EMAIL, email),
                        tasks.task(FLAKY, (p, c) -> failing(c.jobId()))))
                .clock(clock)
                .serializer(fixture.serializer)
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
    watchdog =
        kairos.watchdog(
            new StaleJobWatchdog.Settings(2.0, Duration.ZERO, Duration.ofMinutes(1)),
            notifications);
  }

  static void failing(String jobId) {
    throw new IllegalStateException("the ledger of " + jobId + " is locked");
  }

  @Test
  void aWebhookJobThatFailsForGoodSendsOneSignedDeadNotificationToAnotherServer() throws Exception {
    worker(
        NotificationSettings.Rule.everyJob(
            NotifyTarget.webhook(alerts.uri("/kairos/alerts").toString(), Set.of(JobEvent.DEAD))));
    target.enqueue(Reply.of(404, "no such hook"));
    submit(
        job(
            "sync-order-42",
            "webhook",
            "billing",
            "{\"url\": \"" + target.uri("/hooks/order") + "\"}",
            ScheduleSpec.at(clock.now()),
            3));
    Instant diedAt = clock.now();

    scheduler.runAnyDueExecutions(); // the job dies; its notification is created with it
    scheduler.runAnyDueExecutions(); // the notification is sent

    assertThat(fixture.jobs.find("sync-order-42").orElseThrow().state()).isEqualTo(JobState.DEAD);
    assertThat(alerts.received()).hasSize(1);
    Received alert = alerts.received().get(0);
    assertThat(alert.uri().getPath()).isEqualTo("/kairos/alerts");
    assertThat(verifies(alert)).as("signed like every webhook").isTrue();
    JsonNode body = fixture.json.readTree(alert.bodyText());
    assertThat(body.get("event").asText()).isEqualTo("DEAD");
    assertThat(body.get("jobId").asText()).isEqualTo("sync-order-42");
    assertThat(body.get("type").asText()).isEqualTo("webhook");
    assertThat(body.get("group").asText()).isEqualTo("billing");
    assertThat(body.get("attempt").asInt()).isEqualTo(1);
    assertThat(body.get("error").asText()).contains("HTTP 404: no such hook");
    assertThat(Instant.parse(body.get("at").asText())).isEqualTo(diedAt);

    // The notification is a job of Kairos's own, with its history.
    List<Job> notifications = notificationJobs();
    assertThat(notifications).hasSize(1);
    Job notification = notifications.get(0);
    assertThat(notification.id()).startsWith("notify:dead:sync-order-42:");
    assertThat(notification.type()).isEqualTo("webhook");
    assertThat(notification.state()).isEqualTo(JobState.COMPLETED);
    assertThat(fixture.runs.runsOf(notification.id(), 0, 10))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.SUCCEEDED);
  }

  @Test
  void twoFailuresWithinTheIntervalSendOneNotificationAndOneAfterItAnother() throws Exception {
    worker(
        new NotificationSettings.Rule(
            null,
            "flaky",
            NotifyTarget.webhook(alerts.uri("/failures").toString(), Set.of(JobEvent.FAILED))));
    submit(job("ledger-close", "flaky", null, "{}", ScheduleSpec.every(Duration.ofMinutes(5)), 1));

    scheduler.runAnyDueExecutions(); // fails: notified
    scheduler.tick(Duration.ofMinutes(5));
    scheduler.runAnyDueExecutions(); // fails again 5 min later: within the interval
    scheduler.runAnyDueExecutions();

    assertThat(fixture.runs.runsOf("ledger-close", 0, 10))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.FAILED, RunOutcome.FAILED);
    assertThat(alerts.received()).hasSize(1);
    assertThat(notificationJobs()).hasSize(1);

    scheduler.tick(Duration.ofMinutes(10)); // 15 min after the first notification
    scheduler.runAnyDueExecutions();
    scheduler.runAnyDueExecutions();

    assertThat(alerts.received()).hasSize(2);
    assertThat(
            alerts.received().stream()
                .map(r -> read(r.bodyText()).get("event").asText())
                .distinct())
        .containsExactly("FAILED");
  }

  @Test
  void aJobsOwnTargetsAreToldAndAFailingNotificationNeverNotifiesAboutItself() {
    worker(); // nothing configured: only what the job names
    alerts.otherwise(request -> Reply.of(410, "gone"));
    submit(
        new NewJob(
            "import-7",
            "flaky",
            null,
            fixture.json.createObjectNode(),
            ScheduleSpec.at(clock.now()),
            1,
            0,
            UUID.randomUUID().toString(),
            "test",
            null,
            null,
            List.of(
                NotifyTarget.webhook(
                    alerts.uri("/own").toString(), Set.of(JobEvent.FAILED, JobEvent.DEAD)))));

    for (int i = 0; i < 4; i++) {
      scheduler.runAnyDueExecutions();
    }

    assertThat(fixture.jobs.find("import-7").orElseThrow().state()).isEqualTo(JobState.DEAD);
    List<Job> notifications = notificationJobs();
    assertThat(notifications)
        .extracting(Job::id)
        .hasSize(2)
        .allMatch(
            id ->
                id.startsWith("notify:failed:import-7:") || id.startsWith("notify:dead:import-7:"));
    // Both notifications died (410 is permanent) and told nobody about it.
    assertThat(notifications).extracting(Job::state).containsOnly(JobState.DEAD);
    assertThat(alerts.received()).hasSize(2);
  }

  @Test
  void aStaleRecurringJobSendsOneEmail() throws Exception {
    worker(
        new NotificationSettings.Rule(
            "ledgers", null, NotifyTarget.email("ops@example.com", Set.of(JobEvent.STALE))));
    submit(
        job(
            "ledger-check",
            "flaky",
            "ledgers",
            "{}",
            ScheduleSpec.every(Duration.ofMinutes(1)),
            1));
    scheduler.runAnyDueExecutions();
    assertThat(watchdog.check().stale()).isZero();

    for (int i = 0; i < 3; i++) {
      scheduler.tick(Duration.ofMinutes(1));
      scheduler.runAnyDueExecutions();
    }
    assertThat(watchdog.check().newlyStale()).containsExactly("ledger-check");
    assertThat(watchdog.check().newlyStale()).isEmpty();
    scheduler.runAnyDueExecutions();

    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("ops@example.com");
    assertThat(received[0].getSubject()).isEqualTo("Kairos: job ledger-check is stale");
    assertThat(received[0].getContent().toString())
        .contains("Kairos job ledger-check is stale (STALE)")
        .contains("Group: ledgers");
    assertThat(notificationJobs())
        .extracting(Job::type, Job::state)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("email", JobState.COMPLETED));
  }

  @Test
  void aMissedJobAndARecoveredOneAreNotified() throws Exception {
    worker(
        NotificationSettings.Rule.everyJob(
            NotifyTarget.webhook(
                alerts.uri("/all").toString(), Set.of(JobEvent.MISSED, JobEvent.RECOVERED))));
    submit(job("late", "flaky", null, "{}", ScheduleSpec.at(clock.now()), 3));
    submit(
        job(
            "orphan",
            "webhook",
            null,
            "{\"url\": \"" + target.uri("/x") + "\"}",
            ScheduleSpec.at(clock.now().plusSeconds(600)),
            3));
    // A worker named "ghost" claimed the orphan and died (revival records its lost attempt).
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update scheduled_tasks set picked = true, picked_by = 'ghost', last_heartbeat = ?,"
                + " version = version + 1 where task_instance = 'orphan'"),
        java.sql.Timestamp.from(clock.now()));

    scheduler.tick(Duration.ofHours(1)); // "late" is now far past its misfire grace
    scheduler.runDeadExecutionDetection();
    scheduler.runAnyDueExecutions();
    scheduler.runAnyDueExecutions();

    assertThat(fixture.jobs.find("late").orElseThrow().state()).isEqualTo(JobState.MISSED);
    assertThat(alerts.received())
        .extracting(
            r ->
                read(r.bodyText()).get("event").asText()
                    + " "
                    + read(r.bodyText()).get("jobId").asText())
        .containsExactlyInAnyOrder("MISSED late", "RECOVERED orphan");
    assertThat(target.received()).as("the orphan ran again").hasSize(1);
  }

  List<Job> notificationJobs() {
    return fixture.jobs.list(new JobFilter(null, Notifications.GROUP, null), null, 100);
  }

  JsonNode read(String text) {
    try {
      return fixture.json.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  NewJob job(
      String id, String type, String group, String payload, ScheduleSpec schedule, int attempts) {
    return new NewJob(
        id,
        type,
        group,
        fixture.payload(payload),
        schedule,
        attempts,
        0,
        UUID.randomUUID().toString(),
        "test");
  }

  void submit(NewJob job) {
    fixture.submitter(clock).submit(job);
  }

  static boolean verifies(Received request) {
    try {
      String signed =
          request.header("webhook-id")
              + "."
              + request.header("webhook-timestamp")
              + "."
              + request.bodyText();
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
      String expected =
          "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes("UTF-8")));
      return expected.equals(request.header("webhook-signature"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
