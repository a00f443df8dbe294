package io.kairos.worker.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kairos.catalogue.PublishedTypes;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobRequest;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.RunOutcome;
import io.kairos.registry.RunHistoryStore;
import io.kairos.schema.KairosSchema;
import io.kairos.spring.KairosJobs;
import io.kairos.testing.TestDatabases;
import io.kairos.worker.custom.InvoiceApp.CleanupOldLogs;
import io.kairos.worker.custom.InvoiceApp.InvoiceReminder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An application with the starter and two job types of its own, on a real PostgreSQL: it serves
 * them (and only them), publishes them, schedules them in its own transactions, and creates
 * follow-ups with its handlers' successes.
 */
class CustomJobTypesTests {

  private TestDatabases.TestDatabase db;
  private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

  @BeforeEach
  void database() {
    db = TestDatabases.newDatabase();
    InvoiceApp.REMINDED.clear();
    InvoiceApp.CLEANED.clear();
  }

  @AfterEach
  void stop() {
    apps.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void theApplicationsOwnTypesRunOnItAndArePublishedWithTheirSchemas() {
    ConfigurableApplicationContext app = start("invoices-1");
    KairosJobs jobs = app.getBean(KairosJobs.class);

    jobs.create(JobRequest.of("remind-1", "invoice-reminder", reminder("INV-1", false)));

    await().atMost(Duration.ofSeconds(30)).until(() -> InvoiceApp.CLEANED.size() == 1);
    assertThat(InvoiceApp.REMINDED).containsExactly("INV-1@invoices-1");
    assertThat(lastRun(app, "remind-1")).map(JobRun::outcome).contains(RunOutcome.SUCCEEDED);
    assertThat(jobs.find("remind-1").orElseThrow().state()).isEqualTo(JobState.COMPLETED);

    PublishedTypes.PublishedType published =
        app.getBean(PublishedTypes.class).find("invoice-reminder").orElseThrow();
    assertThat(published.description()).isEqualTo("Reminds a customer of an unpaid invoice");
    assertThat(published.builtIn()).isFalse();
    assertThat(published.servedBy())
        .extracting(PublishedTypes.ServingNode::node)
        .containsExactly("invoices-1");
    assertThat(published.payloadSchema().get("required").toString()).contains("invoiceId");
    // Built-in types are opted out here: this worker neither serves nor publishes them.
    assertThat(app.getBean(PublishedTypes.class).servedTypes())
        .containsExactlyInAnyOrder("invoice-reminder", "cleanup-old-logs");
  }

  @Test
  void aJobScheduledInATransactionThatRollsBackNeverExistsAndOneThatCommitsRuns() {
    ConfigurableApplicationContext app = start("invoices-tx");
    KairosJobs jobs = app.getBean(KairosJobs.class);
    // The application's own DataSource: its inserts and Kairos's share the transaction.
    JdbcTemplate jdbc = new JdbcTemplate(app.getBean(DataSource.class));
    jdbc.execute("create table invoice (id text primary key)");
    TransactionTemplate transaction =
        new TransactionTemplate(app.getBean(PlatformTransactionManager.class));

    assertThatThrownBy(
            () ->
                transaction.executeWithoutResult(
                    tx -> {
                      jdbc.update("insert into invoice values ('INV-RB')");
                      jobs.create(
                          JobRequest.of(
                              "remind-rb", "invoice-reminder", reminder("INV-RB", false)));
                      throw new IllegalStateException("the application's own insert failed later");
                    }))
        .hasMessageContaining("failed later");
    transaction.executeWithoutResult(
        tx -> {
          jdbc.update("insert into invoice values ('INV-OK')");
          jobs.create(JobRequest.of("remind-ok", "invoice-reminder", reminder("INV-OK", false)));
        });

    await().atMost(Duration.ofSeconds(30)).until(() -> InvoiceApp.REMINDED.size() == 1);
    assertThat(InvoiceApp.REMINDED).containsExactly("INV-OK@invoices-tx");
    assertThat(jobs.find("remind-rb")).isEmpty();
    assertThat(jobs.find("remind-ok")).isPresent();
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from scheduled_tasks where task_instance = 'remind-rb'"),
                Integer.class))
        .isZero();
    assertThat(jdbc.queryForList("select id from invoice", String.class)).containsExactly("INV-OK");
  }

  @Test
  void aFollowUpExistsOnlyWhenTheAttemptThatAskedForItSucceeded() {
    ConfigurableApplicationContext app = start("invoices-follow");
    KairosJobs jobs = app.getBean(KairosJobs.class);

    jobs.create(
        JobRequest.of("remind-fails", "invoice-reminder", reminder("INV-F", true)).maxAttempts(1));
    jobs.create(JobRequest.of("remind-works", "invoice-reminder", reminder("INV-W", false)));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                jobs.find("remind-fails").orElseThrow().state() == JobState.DEAD
                    && InvoiceApp.CLEANED.size() == 1);
    assertThat(InvoiceApp.CLEANED).containsExactly("/var/log/INV-W");
    assertThat(jobs.find("cleanup-after:remind-works")).isPresent();
    assertThat(jobs.find("cleanup-after:remind-fails")).isEmpty();
    assertThat(jobs.find("cleanup-after:remind-works").orElseThrow().createdBy())
        .isEqualTo("job:remind-works");
  }

  @Test
  void aPayloadTheTypesRecordCannotTakeIsRefusedNamingTheField() {
    ConfigurableApplicationContext app = start("invoices-bad");
    KairosJobs jobs = app.getBean(KairosJobs.class);

    assertThatThrownBy(
            () ->
                jobs.create(
                    JobRequest.of(
                        "remind-bad", "invoice-reminder", java.util.Map.of("daysOverdue", 3))))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("payload.invoiceId");
    assertThatThrownBy(
            () -> jobs.create(JobRequest.of("nobody", "send-invoice", new CleanupOldLogs("/x"))))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("'send-invoice' is not a known job type")
        .hasMessageContaining("invoice-reminder");
    assertThat(jobs.find("remind-bad")).isEmpty();
  }

  @Test
  void aBuiltInTypeThisWorkerDoesNotServeCanBeScheduledAndIsLeftForOthers() {
    ConfigurableApplicationContext app = start("invoices-only");
    KairosJobs jobs = app.getBean(KairosJobs.class);

    jobs.create(JobRequest.of("for-the-stock-worker", "noop", java.util.Map.of()));
    jobs.create(JobRequest.of("remind-2", "invoice-reminder", reminder("INV-2", false)));

    // By the time this worker ran its own job, it had polled past the other one, and left it.
    await().atMost(Duration.ofSeconds(30)).until(() -> InvoiceApp.REMINDED.size() == 1);
    JdbcTemplate jdbc = new JdbcTemplate(app.getBean(DataSource.class));
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select picked from scheduled_tasks where task_instance = 'for-the-stock-worker'"),
                Boolean.class))
        .isFalse();
    assertThat(jobs.find("for-the-stock-worker").orElseThrow().state())
        .isEqualTo(JobState.SCHEDULED);
    assertThatThrownBy(
            () ->
                jobs.create(
                    JobRequest.of(
                        "bad-hook", "webhook", java.util.Map.of("url", "http://127.0.0.1/x"))))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("payload.url");
  }

  @Test
  void anUnknownBuiltInTypeStopsStartUpNamingTheProperty() {
    assertThatThrownBy(() -> start("invoices-typo", "--kairos.worker.built-in-types=noop,emial"))
        .rootCause()
        .hasMessageContaining("kairos.worker.built-in-types")
        .hasMessageContaining("emial")
        .hasMessageContaining("webhook");
  }

  private ConfigurableApplicationContext start(String node, String... more) {
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + db.jdbcUrl());
    args.add("--spring.datasource.username=" + db.user());
    args.add("--spring.datasource.password=" + db.password());
    args.add("--kairos.worker.node-name=" + node);
    if (List.of(more).stream().noneMatch(arg -> arg.startsWith("--kairos.worker.built-in-types"))) {
      args.add("--kairos.worker.built-in-types=none");
    }
    args.add("--kairos.housekeeping.enabled=false");
    args.add("--spring.application.name=invoices");
    args.addAll(List.of(more));
    ConfigurableApplicationContext app =
        new SpringApplicationBuilder(InvoiceApp.class)
            .web(WebApplicationType.NONE)
            .run(args.toArray(String[]::new));
    apps.add(app);
    return app;
  }

  private static InvoiceReminder reminder(String invoice, boolean failing) {
    return new InvoiceReminder(invoice, 3, failing);
  }

  private static Optional<JobRun> lastRun(ConfigurableApplicationContext app, String id) {
    return app.getBean(RunHistoryStore.class).lastRunOf(id);
  }
}
