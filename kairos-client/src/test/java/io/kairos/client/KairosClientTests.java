package io.kairos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import io.kairos.api.ApiApplication;
import io.kairos.core.Kairos;
import io.kairos.execution.JobTasks;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.noop.NoopHandler;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The client against the real API application, started in-process on a random port on a real
 * PostgreSQL (the project's test database: {@code KAIROS_TEST_JDBC_URL}, else Testcontainers, else
 * an embedded PostgreSQL). The API never runs jobs; the one test that needs a run starts a worker
 * of its own on the same database: db-scheduler with Kairos's job tasks, as scheduler-worker wires
 * them. Every other job is due far ahead, so nothing runs behind a test's back.
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=kairos-api",
      "kairos.api.operator-key=" + KairosClientTests.OPERATOR_KEY,
      "kairos.api.keys[0].name=reader",
      // SHA-256 of "reader-key"
      "kairos.api.keys[0].sha256=ec4408df15da46b328f6f3246fa723d0aa6cb0f0a0dd9c4626080ab1b02aa3b2",
      "kairos.api.keys[0].scopes=jobs:read",
      "kairos.api.wake-up-horizon=0s"
    })
class KairosClientTests {

  static final String OPERATOR_KEY = "client-tests-operator-key-7c4e1a9b3f6d2e8a5c0b4f7e";
  static final String READER_KEY = "reader-key";
  static final Instant FAR_AHEAD = Instant.parse("2099-01-01T00:00:00Z");
  static TestDatabases.TestDatabase database;

  @BeforeAll
  static void database() {
    if (database == null) {
      database = TestDatabases.newDatabase();
    }
  }

  @DynamicPropertySource
  static void datasource(DynamicPropertyRegistry registry) {
    database();
    registry.add("spring.datasource.url", database::jdbcUrl);
    registry.add("spring.datasource.username", database::user);
    registry.add(
        "spring.datasource.password", () -> database.password() == null ? "" : database.password());
  }

  @LocalServerPort int port;
  @Autowired Kairos kairos;
  KairosClient client;

  @BeforeEach
  void client() {
    client = clientWith(OPERATOR_KEY);
  }

  KairosClient clientWith(String key) {
    return KairosClient.builder()
        .baseUri(URI.create("http://127.0.0.1:" + port))
        .apiKey(key)
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  static CreateJobRequest.Builder logLater(String id) {
    return CreateJobRequest.builder("log")
        .id(id)
        .payload(Map.of("message", "hello from " + id))
        .schedule(ScheduleRequest.at(FAR_AHEAD));
  }

  @Test
  void createThenGetReturnsTheJobAsDefined() {
    CreateJobRequest request =
        logLater("round-trip")
            .group("client-tests")
            .priority(7)
            .maxAttempts(5)
            .timeout(Duration.ofSeconds(30))
            .misfireGrace(Duration.ofMinutes(2))
            .notifyTarget(NotifyTarget.email("ops@example.com", "DEAD"))
            .concurrencyKey("tenant-17")
            .build();

    SubmittedJob submitted = client.create(request);
    assertThat(submitted.created()).isTrue();

    Job job = client.get("round-trip");
    assertThat(job).isEqualTo(submitted.job());
    assertThat(job.id()).isEqualTo("round-trip");
    assertThat(job.type()).isEqualTo("log");
    assertThat(job.group()).isEqualTo("client-tests");
    assertThat(job.payload().get("message").asText()).isEqualTo("hello from round-trip");
    assertThat(job.schedule().at()).isEqualTo(FAR_AHEAD);
    assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(job.nextRunAt()).isEqualTo(FAR_AHEAD);
    assertThat(job.priority()).isEqualTo(7);
    assertThat(job.concurrencyKey()).isEqualTo("tenant-17");
    assertThat(job.maxAttempts()).isEqualTo(5);
    assertThat(job.timeout()).isEqualTo("PT30S");
    assertThat(job.misfireGrace()).isEqualTo("PT2M");
    assertThat(job.revision()).isEqualTo(1);
    assertThat(job.source()).isEqualTo(JobSource.API);
    assertThat(job.createdBy()).isEqualTo("operator");
    assertThat(job.lastRun()).isNull();
  }

  @Test
  void theSameCreationTwiceIsAReplayAndAnotherBodyForTheIdIsAConflict() {
    CreateJobRequest request = logLater("replayed").build();
    SubmittedJob first = client.create(request);
    SubmittedJob again = client.create(request);

    assertThat(first.created()).isTrue();
    assertThat(again.created()).as("replay").isFalse();
    assertThat(again.job().id()).isEqualTo("replayed");
    assertThat(again.job().createdAt()).isEqualTo(first.job().createdAt());

    assertThatThrownBy(() -> client.create(logLater("replayed").priority(1).build()))
        .isInstanceOfSatisfying(
            KairosApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.title()).isEqualTo("Conflict");
              assertThat(e.field()).hasValue("id");
            });
  }

  @Test
  void aConcurrencyKeyIsKeptByAReplaceThatGivesItAndABlankOneIsRefusedByName() {
    ReplaceJobRequest keyed = logLater("keyed").concurrencyKey("customer-9").build().withoutId();
    assertThat(client.replace("keyed", keyed).job().concurrencyKey()).isEqualTo("customer-9");
    ReplaceJobRequest unkeyed = logLater("keyed").build().withoutId();
    assertThat(client.replace("keyed", unkeyed).job().concurrencyKey()).isNull();

    assertThatThrownBy(() -> client.create(logLater("blank-key").concurrencyKey(" ").build()))
        .isInstanceOfSatisfying(
            KairosApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).hasValue("concurrencyKey");
            });
  }

  @Test
  void aBatchAnswersEachItemOnItsOwnAndCreatesTheValidOnes() {
    client.create(logLater("batch-existing").build());
    client.create(logLater("batch-taken").build());

    BatchResult result =
        client.createAll(
            java.util.List.of(
                logLater("batch-new").build(),
                logLater("batch-existing").build(),
                CreateJobRequest.builder("noop")
                    .id("batch-bad")
                    .schedule(ScheduleRequest.cron("every now and then"))
                    .build(),
                logLater("batch-taken").priority(1).build()));

    assertThat(result.created()).isEqualTo(1);
    assertThat(result.replayed()).isEqualTo(1);
    assertThat(result.invalid()).isEqualTo(1);
    assertThat(result.conflict()).isEqualTo(1);
    assertThat(result.items())
        .extracting(BatchItem::status)
        .containsExactly(
            BatchItem.Status.CREATED,
            BatchItem.Status.REPLAYED,
            BatchItem.Status.INVALID,
            BatchItem.Status.CONFLICT);
    assertThat(result.items().get(0).job().id()).isEqualTo("batch-new");
    assertThat(result.items().get(2).problem().field()).isEqualTo("jobs[2].schedule.cron");
    assertThat(client.get("batch-new").id()).isEqualTo("batch-new");
    assertThatThrownBy(() -> client.get("batch-bad"))
        .isInstanceOfSatisfying(KairosApiException.class, e -> assertThat(e.isNotFound()).isTrue());
    assertThatThrownBy(() -> client.createAll(java.util.List.of()))
        .isInstanceOfSatisfying(
            KairosApiException.class, e -> assertThat(e.field()).hasValue("jobs"));
  }

  @Test
  void anInvalidRequestIsA400NamingTheField() {
    CreateJobRequest badCron =
        CreateJobRequest.builder("noop")
            .id("bad-cron")
            .schedule(ScheduleRequest.cron("every now and then"))
            .build();

    assertThatThrownBy(() -> client.create(badCron))
        .isInstanceOfSatisfying(
            KairosApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.title()).isEqualTo("Invalid request");
              assertThat(e.field()).hasValue("schedule.cron");
              assertThat(e.detail()).isNotBlank();
              assertThat(e.getMessage())
                  .startsWith("POST /api/v1/jobs: 400 Invalid request")
                  .endsWith("(field schedule.cron)");
            });

    CreateJobRequest noMessage =
        CreateJobRequest.builder("log").id("no-message").payload(Map.of()).build();
    assertThatThrownBy(() -> client.create(noMessage))
        .isInstanceOfSatisfying(
            KairosApiException.class,
            e ->
                assertThat(e.field()).hasValueSatisfying(f -> assertThat(f).startsWith("payload")));

    assertThatThrownBy(() -> client.list(JobQuery.all().withLimit(501)))
        .isInstanceOfSatisfying(
            KairosApiException.class, e -> assertThat(e.field()).hasValue("limit"));
  }

  @Test
  void anUnknownJobIs404() {
    assertThatThrownBy(() -> client.get("no-such-job"))
        .isInstanceOfSatisfying(
            KairosApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.isNotFound()).isTrue();
              assertThat(e.title()).isEqualTo("Not found");
              assertThat(e.detail()).contains("no-such-job");
            });
    assertThatThrownBy(() -> client.cancel("no-such-job"))
        .isInstanceOfSatisfying(
            KairosApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> client.deadJob("no-such-job"))
        .isInstanceOfSatisfying(
            KairosApiException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void aWrongKeyIs401AndAKeyWithoutTheScopeIs403AndNeitherKeyIsShown() {
    String wrongKey = "not-a-key-of-this-api-0b1c2d3e4f";
    KairosClient wrong = clientWith(wrongKey);
    assertThatThrownBy(() -> wrong.get("anything"))
        .isInstanceOfSatisfying(
            KairosApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.title()).isEqualTo("Unauthorized");
              assertThat(e.getMessage()).doesNotContain(wrongKey);
            });
    assertThat(wrong.toString()).doesNotContain(wrongKey).contains("127.0.0.1");

    KairosClient reader = clientWith(READER_KEY);
    assertThat(reader.list(JobQuery.all().withLimit(1)).items()).isNotNull();
    assertThatThrownBy(() -> reader.create(logLater("reader-may-not").build()))
        .isInstanceOfSatisfying(
            KairosApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(403);
              assertThat(e.getMessage()).doesNotContain(READER_KEY).doesNotContain(OPERATOR_KEY);
            });
    assertThat(client.toString()).doesNotContain(OPERATOR_KEY);
  }

  @Test
  void listPagesThroughTheJobsOfAFilterInIdOrder() {
    List<String> ids = List.of("page-a", "page-b", "page-c", "page-d", "page-e");
    for (String id : ids) {
      client.create(logLater(id).group("paging").build());
    }
    client.create(logLater("other-group").group("elsewhere").build());

    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    JobQuery query = JobQuery.all().withGroup("paging").withLimit(2);
    while (query != null) {
      Page<Job> page = client.list(query);
      sizes.add(page.items().size());
      page.items().forEach(job -> seen.add(job.id()));
      query = query.after(page);
    }

    assertThat(seen).containsExactlyElementsOf(ids);
    assertThat(sizes).containsExactly(2, 2, 1);
    assertThat(client.list(JobQuery.all().withIdPrefix("page-").withLimit(500)).items())
        .extracting(Job::id)
        .containsExactlyElementsOf(ids);
    assertThat(
            client.list(JobQuery.all().withGroup("paging").withState(JobState.CANCELLED)).items())
        .isEmpty();
  }

  @Test
  void pauseResumeRunNowAndCancelChangeTheJobsState() {
    client.create(
        CreateJobRequest.builder("noop")
            .id("controlled")
            .schedule(ScheduleRequest.cron("0 0 9 * * MON-FRI"))
            .build());

    Job paused = client.pause("controlled");
    assertThat(paused.state()).isEqualTo(JobState.PAUSED);
    assertThat(client.pause("controlled").state())
        .as("pausing twice is fine")
        .isEqualTo(JobState.PAUSED);

    assertThatThrownBy(() -> client.runNow("controlled"))
        .as("a paused job does not run now")
        .isInstanceOfSatisfying(
            KairosApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.properties()).containsKey("state");
              assertThat(e.properties().get("state").asText()).isEqualTo("PAUSED");
            });

    Job resumed = client.resume("controlled");
    assertThat(resumed.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(resumed.nextRunAt()).isAfter(Instant.now());

    // No worker runs in this test, so the job made due now stays SCHEDULED, due now.
    Job due = client.runNow("controlled");
    assertThat(due.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(due.nextRunAt()).isBefore(Instant.now().plus(5, ChronoUnit.SECONDS));

    Job cancelled = client.cancel("controlled");
    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(cancelled.state().isFinal()).isTrue();
    assertThat(client.get("controlled").state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void replaceCreatesThenReplacesAndChangeReschedules() {
    ReplaceJobRequest first = logLater("replaced").build().withoutId();
    SubmittedJob created = client.replace("replaced", first);
    assertThat(created.created()).isTrue();
    assertThat(created.job().revision()).isEqualTo(1);

    ReplaceJobRequest second =
        CreateJobRequest.builder("noop")
            .schedule(ScheduleRequest.every(Duration.ofHours(6)))
            .build()
            .withoutId();
    SubmittedJob replaced = client.replace("replaced", second);
    assertThat(replaced.created()).isFalse();
    assertThat(replaced.job().revision()).isEqualTo(2);
    assertThat(replaced.job().type()).isEqualTo("noop");
    assertThat(replaced.job().schedule().every()).isEqualTo("PT6H");

    Instant later = FAR_AHEAD.plus(1, ChronoUnit.DAYS);
    client.replace(
        "replaced",
        logLater("ignored").schedule(ScheduleRequest.at(FAR_AHEAD)).build().withoutId());
    Job changed = client.change("replaced", ChangeJobRequest.schedule(ScheduleRequest.at(later)));
    assertThat(changed.nextRunAt()).isEqualTo(later);
  }

  @Test
  void aPayloadMergePatchChangesWhatItNamesAndAnExpectedVersionReadBeforeIsRefused() {
    client.create(logLater("patched").build());
    VersionedJob read = client.getVersioned("patched");
    assertThat(read.version()).isNotBlank();
    assertThat(read.job()).isEqualTo(client.get("patched"));

    VersionedJob changed =
        client.changeVersioned(
            "patched",
            ChangeJobRequest.payload(Map.of("message", "changed"))
                .withExpectedVersion(read.version()));
    assertThat(changed.job().payload().get("message").asText()).isEqualTo("changed");
    assertThat(changed.version()).isNotEqualTo(read.version());
    assertThat(client.getVersioned("patched").version()).isEqualTo(changed.version());

    // The version read before the change is no longer the job's: refused, nothing changed.
    ChangeJobRequest late =
        new ChangeJobRequest(null, 9, null, null, null).withExpectedVersion(read.version());
    assertThatThrownBy(() -> client.change("patched", late))
        .isInstanceOfSatisfying(
            StaleJobVersionException.class,
            e -> {
              assertThat(e.status()).isEqualTo(412);
              assertThat(e.currentVersion()).contains(changed.version());
              assertThat(e.getMessage()).contains("PATCH /api/v1/jobs/patched: 412");
            });
    assertThat(client.get("patched").priority()).isZero();
    assertThat(client.get("patched").payload().get("message").asText()).isEqualTo("changed");

    // Without an expected version any version is changed.
    assertThat(client.change("patched", late.withExpectedVersion(null)).priority()).isEqualTo(9);
  }

  @Test
  void aNullMemberOfAPayloadPatchRemovesIt() {
    client.create(
        CreateJobRequest.builder("noop")
            .id("patched-noop")
            .payload(Map.of("duration", "PT2S"))
            .schedule(ScheduleRequest.at(FAR_AHEAD))
            .build());
    Map<String, Object> removal = new java.util.HashMap<>();
    removal.put("duration", null);
    Job changed = client.change("patched-noop", ChangeJobRequest.payload(removal));
    assertThat(changed.payload().has("duration")).as(changed.payload().toString()).isFalse();
  }

  @Test
  void jobTypesListTheBuiltInTypesWithTheirSchemas() {
    List<JobType> types = client.jobTypes();
    assertThat(types).extracting(JobType::name).contains("noop", "log", "email", "webhook");
    JsonNode logSchema =
        types.stream()
            .filter(t -> t.name().equals("log"))
            .findFirst()
            .orElseThrow()
            .payloadSchema();
    assertThat(logSchema.path("properties").has("message")).isTrue();
  }

  @Test
  void aJobRunByAWorkerShowsItsRunInHistory() {
    client.create(CreateJobRequest.builder("noop").id("ran").build());
    assertThat(client.runs("ran").items()).as("nothing ran yet").isEmpty();

    // A worker on the API's database: db-scheduler with Kairos's task for noop jobs.
    JobTasks tasks = kairos.jobTasks(JobTasks.Settings.DEFAULTS);
    Scheduler worker =
        Scheduler.create(
                kairos.schedulerDataSource(),
                List.of(tasks.task(BuiltInJobTypes.NOOP, new NoopHandler())))
            .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
            .clock(kairos.clock())
            .serializer(kairos.serializer())
            .schedulerName(new SchedulerName.Fixed("client-tests-worker"))
            .threads(2)
            .pollUsingLockAndFetch(0.5, 1.0)
            .pollingInterval(Duration.ofMillis(200))
            .enablePriority()
            .build();
    worker.start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> client.get("ran").state() == JobState.COMPLETED);
    } finally {
      worker.stop();
      tasks.close();
    }

    Page<Run> runs = client.runs("ran");
    assertThat(runs.items()).hasSize(1);
    assertThat(runs.nextCursor()).isNull();
    Run run = runs.items().get(0);
    assertThat(run.attempt()).isEqualTo(1);
    assertThat(run.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
    assertThat(run.node()).isEqualTo("client-tests-worker");
    assertThat(run.revision()).isEqualTo(1);
    assertThat(run.finishedAt()).isAfterOrEqualTo(run.startedAt());
    assertThat(client.get("ran").lastRun()).isEqualTo(run);
  }

  @Test
  void deadJobsListIsEmptyWithoutFailures() {
    Page<DeadJob> dead = client.deadJobs("log", null, 10);
    assertThat(dead.items()).isEmpty();
    assertThat(dead.next()).isEmpty();
  }

  @Test
  void noAnswerIsATransportFailureNamingTheCallButNotTheKey() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    KairosClient nowhere =
        KairosClient.builder()
            .baseUri(URI.create("http://127.0.0.1:" + closedPort))
            .apiKey(OPERATOR_KEY)
            .timeout(Duration.ofSeconds(2))
            .build();

    assertThatThrownBy(() -> nowhere.get("any"))
        .isInstanceOf(KairosTransportException.class)
        .isInstanceOf(KairosException.class)
        .hasMessageStartingWith("GET /api/v1/jobs/any: could not connect to http://127.0.0.1:")
        .hasMessageNotContaining(OPERATOR_KEY);
  }
}
