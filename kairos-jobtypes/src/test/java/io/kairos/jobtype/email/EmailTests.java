package io.kairos.jobtype.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.github.resilience4j.retry.Retry;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.retry.RetryPolicy;
import io.kairos.retry.RetryingHandler;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** E-mail jobs against real SMTP servers (GreenMail, and a scripted one), on a real PostgreSQL. */
class EmailTests {

  static KairosFixture fixture;
  SettableClock clock;
  int port;
  AtomicReference<GreenMail> greenMail = new AtomicReference<>();
  Retry retry;
  ManualScheduler scheduler;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(BuiltInJobTypes.EMAIL, (p, c) -> {}), 4);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @BeforeEach
  void setUp() throws IOException {
    clock = new SettableClock();
    clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
  }

  @AfterEach
  void stopServer() {
    GreenMail server = greenMail.get();
    if (server != null) {
      server.stop();
    }
  }

  void worker(SmtpSettings settings) {
    retry =
        Retry.of(
            "email",
            new RetryPolicy(3, Duration.ofMillis(20), 2.0, 0.0, Duration.ofSeconds(1))
                .toRetryConfig());
    JobHandler<EmailPayload> handler =
        RetryingHandler.decorate(new EmailHandler(settings, clock), retry);
    var support =
        fixture.jobTasks(
            clock, new PersistedBackoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10)));
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(
                    fixture.schedulerDataSource,
                    List.of(support.task(BuiltInJobTypes.EMAIL, handler)))
                .clock(clock)
                .serializer(fixture.serializer)
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
  }

  GreenMail startGreenMail(GreenMailConfiguration configuration) {
    GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    server.withConfiguration(configuration);
    server.start();
    greenMail.set(server);
    return server;
  }

  SmtpSettings local() {
    return SmtpSettings.plain("127.0.0.1", port, "Kairos <kairos@example.com>");
  }

  @Test
  void anEmailIsDeliveredOnceWithAMessageIdDerivedFromItsOccurrence() throws Exception {
    GreenMail server = startGreenMail(GreenMailConfiguration.aConfig());
    worker(local());
    submit(
        "welcome",
        "{\"to\": [\"Ann <ann@example.com>\"], \"replyTo\": \"help@example.com\","
            + " \"subject\": \"Welcome, Ann ✓\", \"text\": \"Hello\", \"html\": \"<p>Hello</p>\"}",
        3);

    scheduler.runAnyDueExecutions();

    MimeMessage[] received = server.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage message = received[0];
    String occurrence = "welcome@" + Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    assertThat(message.getMessageID())
        .isEqualTo(EmailHandler.messageId(occurrence, "example.com"))
        .matches("<kairos\\.[0-9a-f]{40}@example\\.com>");
    assertThat(message.getSubject()).isEqualTo("Welcome, Ann ✓");
    assertThat(message.getFrom()[0].toString()).isEqualTo("Kairos <kairos@example.com>");
    assertThat(message.getReplyTo()[0].toString()).isEqualTo("help@example.com");
    assertThat(((MimeMultipart) message.getContent()).getCount()).isEqualTo(2);
    assertThat(runs("welcome")).extracting(JobRun::outcome).containsExactly(RunOutcome.SUCCEEDED);
    assertThat(runs("welcome").get(0).detail())
        .startsWith("sent to 1 recipient(s) as " + message.getMessageID() + "; server: 250");
  }

  @Test
  void everyAttemptOfOneOccurrenceCarriesTheSameMessageIdAndAnotherOccurrenceAnother()
      throws Exception {
    GreenMail server = startGreenMail(GreenMailConfiguration.aConfig());
    EmailHandler handler = new EmailHandler(local(), clock);
    EmailPayload payload =
        fixture.catalogue.bind(
            BuiltInJobTypes.EMAIL,
            fixture.payload("{\"to\": [\"bo@example.com\"], \"subject\": \"s\", \"text\": \"t\"}"));
    Instant due = Instant.parse("2026-03-01T09:00:00Z");

    // The worker sent the message and died before recording it; the re-run sends it again.
    handler.handle(payload, new JobContext("reminder", "email", due, 1, false, "w1"));
    handler.handle(payload, new JobContext("reminder", "email", due, 2, true, "w2"));
    // A persisted retry runs later than the occurrence was due, but belongs to it.
    handler.handle(
        payload, new JobContext("reminder", "email", due.plusSeconds(10), 3, false, "w2", due));
    handler.handle(
        payload, new JobContext("reminder", "email", due.plusSeconds(86_400), 1, false, "w1"));

    List<String> ids = new ArrayList<>();
    for (MimeMessage m : server.getReceivedMessages()) {
      ids.add(m.getMessageID());
    }
    assertThat(ids).hasSize(4);
    assertThat(ids.subList(0, 3)).containsOnly(ids.get(0));
    assertThat(ids.get(3)).isNotEqualTo(ids.get(0));
  }

  @Test
  void aServerThatComesUpWhileTierOneWaitsGetsTheMessageOnceInTheFirstAttempt() {
    worker(local());
    retry
        .getEventPublisher()
        .onRetry(
            event -> {
              if (greenMail.get() == null) {
                startGreenMail(GreenMailConfiguration.aConfig());
              }
            });
    submit(
        "down-then-up-1", "{\"to\": [\"cy@example.com\"], \"subject\": \"s\", \"text\": \"t\"}", 3);

    scheduler.runAnyDueExecutions();

    assertThat(greenMail.get().getReceivedMessages()).hasSize(1);
    assertThat(runs("down-then-up-1"))
        .extracting(JobRun::attempt, JobRun::outcome)
        .containsExactly(tuple(1, RunOutcome.SUCCEEDED));
    assertThat(runs("down-then-up-1").get(0).detail()).endsWith("(2 tries in process)");
  }

  @Test
  void aServerDownForAllOfTierOneGetsTheMessageOnceFromThePersistedTier() throws Exception {
    worker(local());
    submit(
        "down-then-up-2", "{\"to\": [\"di@example.com\"], \"subject\": \"s\", \"text\": \"t\"}", 3);

    scheduler.runAnyDueExecutions();
    JobRun failed = runs("down-then-up-2").get(0);
    assertThat(failed.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(failed.error())
        .isEqualTo("TransientJobFailure: ConnectException: Connection refused");
    assertThat(failed.detail()).isEqualTo("3 tries in process");
    assertThat(fixture.jobs.find("down-then-up-2").orElseThrow().nextRunAt())
        .isEqualTo(clock.now().plusSeconds(10));

    GreenMail server = startGreenMail(GreenMailConfiguration.aConfig());
    scheduler.tick(Duration.ofSeconds(10));
    scheduler.runAnyDueExecutions();
    scheduler.tick(Duration.ofMinutes(10));
    scheduler.runAnyDueExecutions();

    assertThat(server.getReceivedMessages()).hasSize(1);
    assertThat(server.getReceivedMessages()[0].getMessageID())
        .isEqualTo(
            EmailHandler.messageId(
                "down-then-up-2@" + Instant.parse("2026-03-01T10:00:00Z").toEpochMilli(),
                "example.com"));
    assertThat(runs("down-then-up-2"))
        .extracting(JobRun::attempt, JobRun::outcome)
        .containsExactly(tuple(1, RunOutcome.FAILED), tuple(2, RunOutcome.SUCCEEDED));
    assertThat(fixture.jobs.find("down-then-up-2").orElseThrow().state())
        .isEqualTo(JobState.COMPLETED);
  }

  @Test
  void anSmtp5xxIsPermanentAndTheJobDiesWithoutRetries() {
    GreenMail server =
        startGreenMail(GreenMailConfiguration.aConfig().withUser("kairos", "right-password"));
    worker(
        new SmtpSettings(
            "127.0.0.1",
            port,
            SmtpSettings.Security.NONE,
            "kairos",
            "wrong-password",
            null,
            null,
            "kairos@example.com",
            null));
    submit(
        "refused-login", "{\"to\": [\"ed@example.com\"], \"subject\": \"s\", \"text\": \"t\"}", 3);

    scheduler.runAnyDueExecutions();

    var job = fixture.jobs.find("refused-login").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DEAD);
    assertThat(job.lastError()).startsWith("PermanentJobFailure: SMTP").contains("535");
    assertThat(runs("refused-login")).hasSize(1);
    assertThat(runs("refused-login").get(0).detail()).isNull();
    assertThat(server.getReceivedMessages()).isEmpty();
  }

  @Test
  void aRecipientRefusedWith550KillsTheJobAndNothingIsSent() throws Exception {
    try (ScriptedSmtpServer smtp = new ScriptedSmtpServer()) {
      smtp.rcpt("250 ok", "550 5.1.1 <nobody@example.com>: user unknown");
      worker(SmtpSettings.plain("127.0.0.1", smtp.port(), "kairos@example.com"));
      submit(
          "unknown-user",
          "{\"to\": [\"fi@example.com\", \"nobody@example.com\"], \"subject\": \"s\","
              + " \"text\": \"t\"}",
          3);

      scheduler.runAnyDueExecutions();

      var job = fixture.jobs.find("unknown-user").orElseThrow();
      assertThat(job.state()).isEqualTo(JobState.DEAD);
      assertThat(job.lastError())
          .isEqualTo("PermanentJobFailure: SMTP 550 5.1.1 <nobody@example.com>: user unknown");
      assertThat(smtp.accepted).isEmpty();
      assertThat(smtp.commands).noneMatch(c -> c.equalsIgnoreCase("DATA"));
    }
  }

  @Test
  void anSmtp4xxIsTransientAndRetried() throws Exception {
    try (ScriptedSmtpServer smtp = new ScriptedSmtpServer()) {
      smtp.data("451 4.3.0 try again later");
      worker(SmtpSettings.plain("127.0.0.1", smtp.port(), "kairos@example.com"));
      submit(
          "greylisted", "{\"to\": [\"gu@example.com\"], \"subject\": \"s\", \"text\": \"t\"}", 3);

      scheduler.runAnyDueExecutions();

      assertThat(smtp.accepted).hasSize(1);
      assertThat(runs("greylisted"))
          .extracting(JobRun::outcome)
          .containsExactly(RunOutcome.SUCCEEDED);
      assertThat(runs("greylisted").get(0).detail()).endsWith("(2 tries in process)");
    }
  }

  @Test
  void withoutSmtpSettingsAnEmailJobFailsPermanently() {
    EmailHandler handler = new EmailHandler(null, clock);
    EmailPayload payload =
        fixture.catalogue.bind(
            BuiltInJobTypes.EMAIL,
            fixture.payload("{\"to\": [\"ha@example.com\"], \"subject\": \"s\", \"text\": \"t\"}"));

    assertThatThrownBy(
            () -> handler.handle(payload, new JobContext("x", "email", clock.now(), 1, false, "n")))
        .isInstanceOf(PermanentJobFailure.class)
        .hasMessageContaining("kairos.email.host");
  }

  @Test
  void payloadsAreValidatedNamingTheField() {
    assertRefused("{\"subject\": \"s\", \"text\": \"t\"}", "payload.to");
    assertRefused(
        "{\"to\": [\"ok@example.com\", \"not an address\"], \"subject\": \"s\", \"text\": \"t\"}",
        "payload.to[1]");
    assertRefused(
        "{\"to\": [\"ok@example.com\"], \"cc\": [\"a@b@c\"], \"subject\": \"s\", \"text\": \"t\"}",
        "payload.cc[0]");
    assertRefused(
        "{\"to\": [\"ok@example.com\"], \"from\": \"nobody\", \"subject\": \"s\", \"text\": \"t\"}",
        "payload.from");
    assertRefused("{\"to\": [\"ok@example.com\"], \"subject\": \"s\"}", "payload.text");
    assertRefused(
        "{\"to\": [\"ok@example.com\"], \"subject\": \"a\\r\\nBcc: x@example.com\", \"text\": \"t\"}",
        "payload.subject");
    assertRefused("{\"to\": [\"ok@example.com\"], \"text\": \"t\"}", "payload.subject");
    EmailPayload payload =
        fixture.catalogue.bind(
            BuiltInJobTypes.EMAIL,
            fixture.payload(
                "{\"to\": [\"secret.person@example.com\"], \"subject\": \"s\", \"text\": \"t\"}"));
    assertThat(payload.toString()).doesNotContain("secret.person");
    assertThat(payload.cc()).isEmpty();
  }

  @Test
  void smtpPasswordsNeverShowInSettingsText() {
    SmtpSettings settings =
        new SmtpSettings("smtp.example.com", 587, null, "user", "pa55word", null, null, null, null);
    assertThat(settings.toString()).doesNotContain("pa55word").contains("STARTTLS");
  }

  private void assertRefused(String json, String field) {
    assertThatThrownBy(() -> fixture.catalogue.bind(BuiltInJobTypes.EMAIL, fixture.payload(json)))
        .isInstanceOf(InvalidJobException.class)
        .extracting(e -> ((InvalidJobException) e).field())
        .isEqualTo(field);
  }

  private void submit(String id, String payloadJson, int maxAttempts) {
    fixture
        .submitter(clock)
        .submit(
            fixture.job(
                id,
                "email",
                fixture.payload(payloadJson),
                ScheduleSpec.at(clock.now()),
                maxAttempts));
  }

  private List<JobRun> runs(String id) {
    return fixture.runs.runsOf(id, 0, 10);
  }
}
