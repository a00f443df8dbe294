package io.kairos.worker.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.core.Kairos;
import io.kairos.job.JobState;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.serialization.KairosJson;
import io.kairos.testing.TestDatabases;
import io.kairos.testing.TestHttpServer;
import io.kairos.testing.TestHttpServer.Reply;
import io.kairos.worker.WorkerApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** A worker configured with kairos.notifications, as an operator would configure it. */
class NotificationWorkerTests {

  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  TestDatabases.TestDatabase db;
  HikariDataSource dataSource;
  ConfigurableApplicationContext worker;
  TestHttpServer partner;
  TestHttpServer pager;

  @BeforeEach
  void setUp() {
    db = TestDatabases.newDatabase();
    dataSource = db.dataSource(2);
    partner = TestHttpServer.start();
    pager = TestHttpServer.start();
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
    partner.close();
    pager.close();
    dataSource.close();
  }

  @Test
  void aWebhookThatFailsForGoodIsNotifiedOnceToTheConfiguredTarget() throws Exception {
    partner.otherwise(request -> Reply.of(400, "unknown order"));
    worker =
        start(
            "--kairos.webhook.signing-secret=" + SECRET,
            "--kairos.webhook.allow-private-networks=true",
            "--kairos.webhook.allowed-ports=" + partner.port() + "," + pager.port(),
            "--kairos.notifications.targets[0].webhook=" + pager.uri("/page"),
            "--kairos.notifications.targets[0].events=dead,failed",
            "--kairos.notifications.min-interval=1h");

    submit("push-order-9", "webhook", "{\"url\": \"" + partner.uri("/orders") + "\"}");

    await().atMost(Duration.ofSeconds(30)).until(() -> pager.received().size() == 2);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> pager.received().size() == 2);
    ObjectMapper json = KairosJson.newObjectMapper();
    List<String> events = new ArrayList<>();
    for (var request : pager.received()) {
      JsonNode body = json.readTree(request.bodyText());
      assertThat(body.get("jobId").asText()).isEqualTo("push-order-9");
      assertThat(body.get("error").asText()).contains("HTTP 400: unknown order");
      assertThat(request.header("webhook-signature")).startsWith("v1,");
      events.add(body.get("event").asText());
    }
    assertThat(events).containsExactlyInAnyOrder("FAILED", "DEAD");
    assertThat(kairos().jobs().find("push-order-9").orElseThrow().state()).isEqualTo(JobState.DEAD);
  }

  @Test
  void badNotificationSettingsStopStartUpNamingTheEntry() {
    assertThatThrownBy(
            () -> start("--kairos.notifications.targets[0].webhook=http://169.254.169.254/x"))
        .hasStackTraceContaining("Invalid kairos.notifications.targets[0].webhook:");
    assertThatThrownBy(
            () ->
                start(
                    "--kairos.notifications.targets[0].webhook=https://ops.example.com/hook",
                    "--kairos.notifications.targets[0].events=DEAD,EXPLODED"))
        .hasStackTraceContaining(
            "Invalid kairos.notifications.targets[0].events[1]: 'EXPLODED' is not an event");
    assertThatThrownBy(
            () ->
                start(
                    "--kairos.notifications.rules[0].type=emial",
                    "--kairos.notifications.rules[0].webhook=https://ops.example.com/hook"))
        .hasStackTraceContaining("Invalid kairos.notifications.rules[0].type:");
    assertThatThrownBy(() -> start("--kairos.notifications.targets[0].email=ops@example.com"))
        .hasStackTraceContaining(
            "Invalid kairos.notifications.targets[0].email: needs e-mail to be set up");
    assertThatThrownBy(
            () ->
                start(
                    "--kairos.notifications.targets[0].email=ops@example.com",
                    "--kairos.notifications.targets[0].webhook=https://ops.example.com/hook"))
        .hasStackTraceContaining(
            "Invalid kairos.notifications.targets[0].webhook: give exactly one of");
  }

  private Kairos kairos() {
    return Kairos.builder(dataSource, new DataSourceTransactionManager(dataSource))
        .clock(new SystemClock())
        .build();
  }

  private void submit(String id, String type, String payload) throws Exception {
    ObjectMapper json = KairosJson.newObjectMapper();
    kairos()
        .submitter()
        .submit(
            new NewJob(
                id,
                type,
                null,
                json.readTree(payload),
                ScheduleSpec.at(Instant.now()),
                3,
                0,
                UUID.randomUUID().toString(),
                "test"));
  }

  private ConfigurableApplicationContext start(String... extra) {
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + db.jdbcUrl());
    args.add("--spring.datasource.username=" + db.user());
    args.add("--spring.datasource.password=" + (db.password() == null ? "" : db.password()));
    args.add("--server.port=0");
    args.add("--kairos.housekeeping.enabled=false");
    args.addAll(List.of(extra));
    return WorkerApplication.application().run(args.toArray(String[]::new));
  }
}
