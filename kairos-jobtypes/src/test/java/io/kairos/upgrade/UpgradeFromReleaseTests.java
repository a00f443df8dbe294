package io.kairos.upgrade;

import static io.kairos.testing.ReleaseDatabases.RELEASE_0_1_0_TABLES;
import static io.kairos.testing.ReleaseDatabases.relationsIn;
import static io.kairos.testing.ReleaseDatabases.rowCounts;
import static io.kairos.testing.ReleaseDatabases.upgraded;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.control.JobControl.Caller;
import io.kairos.core.Kairos;
import io.kairos.crypto.CipherSettings;
import io.kairos.execution.JobTasks;
import io.kairos.job.Job;
import io.kairos.job.JobRun;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.noop.NoopHandler;
import io.kairos.jobtype.oauth.AccessTokens;
import io.kairos.jobtype.oauth.CredentialBinding;
import io.kairos.jobtype.oauth.CredentialStatus;
import io.kairos.jobtype.oauth.CredentialStore;
import io.kairos.jobtype.oauth.OAuthCredential;
import io.kairos.jobtype.oauth.TokenEndpointClient;
import io.kairos.migration.KairosMigrations;
import io.kairos.outbound.OutboundHttp;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.Resolver;
import io.kairos.outbound.SenderDomains;
import io.kairos.schema.KairosSchema;
import io.kairos.serialization.KairosJson;
import io.kairos.testing.ReleaseDatabases;
import io.kairos.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * A database the current release (0.1.0: every table in {@code public}) created and used, upgraded
 * by the new migrations into Kairos's schema: nothing is lost, every job reads as it was, its
 * secrets still open, and Kairos goes on running jobs on it.
 */
class UpgradeFromReleaseTests {

  /** A little after the dump was taken: the credential's access token is still fresh. */
  static final Instant AFTER_THE_DUMP = Instant.parse("2026-12-03T11:40:00Z");

  HikariDataSource dataSource;
  JdbcTemplate jdbc;
  Map<String, Integer> before;
  SettableClock clock;
  Kairos kairos;

  @BeforeEach
  void upgrade() {
    TestDatabases.TestDatabase database = ReleaseDatabases.load(ReleaseDatabases.RELEASE_0_1_0);
    dataSource = database.dataSource(4);
    jdbc = new JdbcTemplate(dataSource);
    before = rowCounts(jdbc, "public", RELEASE_0_1_0_TABLES);

    KairosMigrations.migrate(dataSource);

    clock = new SettableClock();
    clock.set(AFTER_THE_DUMP);
    kairos =
        Kairos.builder(dataSource, new DataSourceTransactionManager(dataSource))
            .clock(clock)
            .cipher(CipherSettings.cipher(ReleaseDatabases.RELEASE_0_1_0_KEY, "k1", null))
            .catalogue(
                BuiltInJobTypes.catalogue(
                    BuiltInJobTypes.all(),
                    KairosJson.newObjectMapper(),
                    new OutboundPolicy(List.of(), true, List.of()),
                    SenderDomains.ANY))
            .build();
  }

  @AfterEach
  void close() {
    kairos.close();
    dataSource.close();
  }

  @Test
  void everyRowMovesIntoKairossSchemaAndPublicKeepsNothingOfKaiross() {
    assertThat(before)
        .containsEntry("kairos_job", 8)
        .containsEntry("kairos_job_run", 5)
        .containsEntry("scheduled_tasks", 4)
        .containsEntry("kairos_oauth_credential", 1)
        .containsEntry("kairos_schema_history", 12);
    assertThat(rowCounts(jdbc, KairosSchema.DEFAULT_NAME, RELEASE_0_1_0_TABLES))
        .isEqualTo(upgraded(before));
    assertThat(relationsIn(jdbc, "public")).isEmpty();
  }

  @Test
  void everyJobReadsWithItsStateAndItsHistory() {
    assertThat(kairos.jobs().findAll(List.of(ids())))
        .extractingFromEntries(e -> e.getKey() + ":" + e.getValue().state())
        .containsExactlyInAnyOrder(
            "hello:COMPLETED",
            "every-5-min:SCHEDULED",
            "future-reminder:SCHEDULED",
            "heartbeat:PAUSED",
            "oauth-refresh:crm:SCHEDULED",
            "hook-ok:COMPLETED",
            "hook-dead:DEAD",
            "crm-sync:SCHEDULED");
    Job refresh = kairos.jobs().find("oauth-refresh:crm").orElseThrow();
    assertThat(refresh.source()).isEqualTo(JobSource.SYSTEM);
    assertThat(refresh.nextRunAt()).isEqualTo(Instant.parse("2026-12-03T12:31:12.636503Z"));
    assertThat(kairos.jobs().find("heartbeat").orElseThrow().nextRunAt())
        .isEqualTo(Instant.parse("2026-12-03T11:36:17.652179Z"));

    List<JobRun> deadRuns = kairos.runs().runsOf("hook-dead", 0, 10);
    assertThat(deadRuns).hasSize(1);
    assertThat(deadRuns.get(0).detail()).isEqualTo("HTTP 400: {\"error\":\"no\"}");
    assertThat(kairos.runs().runsOf("hello", 0, 10)).hasSize(1);
    assertThat(kairos.deadJobs().find("hook-dead")).isPresent();
  }

  @Test
  void sealedWebhookHeadersStillOpenWithTheReleasesKey() {
    Job hook = kairos.jobs().find("hook-ok").orElseThrow();
    JsonNode opened = kairos.payloadSecrets().open("webhook", "hook-ok", hook.payload());
    JsonNode authorization = opened.get("headers").get("Authorization");
    assertThat(authorization.isTextual()).isTrue();
    assertThat(authorization.asText()).isNotBlank().doesNotStartWith("v1:");

    Job sync = kairos.jobs().find("crm-sync").orElseThrow();
    assertThat(
            kairos
                .payloadSecrets()
                .open("webhook", "crm-sync", sync.payload())
                .get("headers")
                .get("X-Api-Key")
                .isTextual())
        .isTrue();
  }

  @Test
  void theCredentialReadsAndItsSecretsOpenWithTheReleasesKey() throws Exception {
    CredentialStore credentials =
        new CredentialStore(
            dataSource,
            KairosSchema.DEFAULT,
            CipherSettings.cipher(
                "7P7Qb0mQ3mO3s1m5wq8m1f0wYbq3nXk2h0b6v4Yx2S8=",
                "k2",
                "k1:" + ReleaseDatabases.RELEASE_0_1_0_KEY),
            new OutboundPolicy(List.of(), true, List.of()),
            Resolver.SYSTEM,
            false);
    OAuthCredential crm = credentials.find("crm").orElseThrow();
    assertThat(crm.status()).isEqualTo(CredentialStatus.ACTIVE);
    assertThat(crm.hasAccessToken()).isTrue();

    // Resealing opens every secret under the release's key and seals it under the new one.
    CredentialStore.ResealReport report = credentials.resealAll(10);
    assertThat(report.unreadable()).isZero();
    assertThat(report.resealed()).isEqualTo(1); // the one credential, both its secrets
    assertThat(credentials.secretsByKeyId()).isEqualTo(Map.of("k2", 2L));

    AccessTokens tokens =
        new AccessTokens(
            credentials,
            new TokenEndpointClient(
                new OutboundHttp(
                    Duration.ofSeconds(2),
                    new OutboundPolicy(List.of(), true, List.of()),
                    Resolver.SYSTEM),
                Duration.ofSeconds(2),
                clock),
            clock,
            Duration.ofMinutes(5),
            id -> {});
    // Stored before credentials were bound: its token goes nowhere until an admin binds it.
    java.net.URI crmApi = java.net.URI.create("http://127.0.0.1:18099/crm");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> tokens.currentAccessToken("crm", crmApi))
        .isInstanceOf(io.kairos.job.PermanentJobFailure.class);
    credentials.rebind(
        "crm", new CredentialBinding(List.of("http://127.0.0.1:18099/crm"), List.of()));
    assertThat(tokens.currentAccessToken("crm", crmApi)).isNotBlank().doesNotStartWith("v1:");
  }

  @Test
  void kairosRunsANewJobOnTheUpgradedDatabaseAndThePausedJobResumes() {
    JobTasks tasks = kairos.jobTasks(JobTasks.Settings.DEFAULTS);
    ManualScheduler scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(
                    kairos.schedulerDataSource(),
                    List.of(tasks.task(BuiltInJobTypes.NOOP, new NoopHandler())))
                .clock(clock)
                .serializer(kairos.serializer())
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
    try {
      kairos
          .submitter()
          .submit(
              new NewJob(
                  "after-upgrade",
                  "noop",
                  null,
                  kairos.json().createObjectNode(),
                  ScheduleSpec.at(AFTER_THE_DUMP),
                  3,
                  0,
                  UUID.randomUUID().toString(),
                  "operator"));
      Job resumed = kairos.control().resume("heartbeat", Caller.operator("operator"));
      assertThat(resumed.state()).isEqualTo(JobState.SCHEDULED);
      assertThat(resumed.nextRunAt()).isAfter(AFTER_THE_DUMP);

      scheduler.runAnyDueExecutions();

      assertThat(kairos.jobs().find("after-upgrade").orElseThrow().state())
          .isEqualTo(JobState.COMPLETED);
      assertThat(kairos.runs().runsOf("after-upgrade", 0, 10))
          .extracting(run -> run.outcome().name())
          .containsExactly("SUCCEEDED");

      clock.set(resumed.nextRunAt());
      scheduler.runAnyDueExecutions();

      assertThat(kairos.runs().runsOf("heartbeat", 0, 10))
          .extracting(run -> run.outcome().name())
          .containsExactly("SUCCEEDED", "SUCCEEDED");
      assertThat(kairos.jobs().find("heartbeat").orElseThrow().state())
          .isEqualTo(JobState.SCHEDULED);
    } finally {
      tasks.close();
    }
  }

  private static String[] ids() {
    return new String[] {
      "hello",
      "every-5-min",
      "future-reminder",
      "heartbeat",
      "oauth-refresh:crm",
      "hook-ok",
      "hook-dead",
      "crm-sync"
    };
  }
}
