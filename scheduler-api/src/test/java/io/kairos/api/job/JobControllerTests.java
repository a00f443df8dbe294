package io.kairos.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.catalogue.PublishedTypes;
import io.kairos.control.JobControl;
import io.kairos.control.JobRequests;
import io.kairos.control.JobSubmitter;
import io.kairos.job.Job;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.JobStateConflict;
import io.kairos.job.MisfirePolicy;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.job.UnknownJobException;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.registry.JobStore;
import io.kairos.registry.RunHistoryStore;
import io.kairos.serialization.KairosJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The web layer of the jobs endpoints: validation, errors as problem details, API keys and scopes.
 * Core's stores are stand-ins here (no SQL is reached); every refused request is checked to reach
 * none of them, i.e. to store nothing. What touches the database is tested on PostgreSQL ({@code
 * JobControlTests} in core, {@code EndToEndTests} in scheduler-standalone).
 */
@WebMvcTest(
    controllers = JobController.class,
    properties = {
      // The application's own settings (e.g. unknown JSON fields are refused), as in production.
      "spring.config.name=kairos-api",
      // "writer-key", "reader-key": SHA-256 hex of each
      "kairos.api.keys[0].name=writer",
      "kairos.api.keys[0].sha256=3aec1946afb01344ae0065f3b123820a2144e455c13e5816dbd439e6634f7f26",
      "kairos.api.keys[0].scopes=jobs:write",
      "kairos.api.keys[1].name=reader",
      "kairos.api.keys[1].sha256=ec4408df15da46b328f6f3246fa723d0aa6cb0f0a0dd9c4626080ab1b02aa3b2",
      "kairos.api.keys[1].scopes=jobs:read",
      "kairos.api.operator-key=operator-key-for-tests-4f9c2b7e1d8a6053c9e2f4b1",
      "kairos.api.max-body-size=1KB"
    })
@Import({
  JobService.class,
  JobCreation.class,
  JobCreationMetrics.class,
  JobControllerTests.Core.class
})
class JobControllerTests {

  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  @TestConfiguration(proxyBeanMethods = false)
  static class Core {
    @Bean
    JobCatalogue jobCatalogue() {
      return new JobCatalogue(BuiltInJobTypes.all(), KairosJson.newObjectMapper());
    }

    /** The application's registry is Spring Boot's; this slice has none of its own. */
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    JobRequests jobRequests(JobCatalogue catalogue, Clock clock) {
      return new JobRequests(catalogue, KairosJson.newObjectMapper(), clock);
    }

    @Bean
    MisfirePolicy misfirePolicy() {
      return MisfirePolicy.DEFAULT;
    }

    @Bean
    PayloadSecrets payloadSecrets(JobCatalogue catalogue) {
      return new PayloadSecrets(catalogue, null);
    }

    /** No database here: a create and its audit entry (a stand-in) need no transaction. */
    @Bean
    org.springframework.transaction.support.TransactionOperations transactions() {
      return org.springframework.transaction.support.TransactionOperations.withoutTransaction();
    }

    @Bean
    Clock clock() {
      SettableClock clock = new SettableClock();
      clock.set(NOW);
      return clock;
    }
  }

  @Autowired MockMvc mvc;
  @MockitoBean JobSubmitter submitter;
  @MockitoBean JobControl control;
  @MockitoBean JobStore store;
  @MockitoBean io.kairos.control.ControlStore controlStore;
  @MockitoBean io.kairos.running.AttemptSignalStore attemptSignals;
  @MockitoBean io.kairos.control.Backfills backfills;
  @MockitoBean io.kairos.limits.LimitStore limits;
  @MockitoBean RunHistoryStore runs;
  @MockitoBean PublishedTypes publishedTypes;
  @MockitoBean io.kairos.api.audit.AuditTrail audit;

  boolean expectNothingStored = true;

  @BeforeEach
  void noLiveJobs() {
    when(store.liveUsageOf(any())).thenReturn(new JobStore.LiveUsage(0, 0));
    when(publishedTypes.recentlyServedTypes()).thenReturn(java.util.Set.of());
  }

  @AfterEach
  void nothingWasStored() {
    if (expectNothingStored) {
      verifyNoInteractions(submitter, control);
    }
  }

  static Stream<Arguments> invalidJobs() {
    return Stream.of(
        Arguments.of("{\"type\":", null),
        Arguments.of("[1, 2]", null),
        Arguments.of(
            "{\"type\":\"log\",\"payload\":{\"message\":\"hi\"},\"colour\":\"red\"}", "colour"),
        Arguments.of("{\"type\":\"nope\"}", "type"),
        Arguments.of("{\"payload\":{}}", "type"),
        Arguments.of("{\"type\":\"log\",\"payload\":{}}", "payload.message"),
        Arguments.of("{\"type\":\"log\",\"payload\":{\"message\":[1]}}", "payload.message"),
        Arguments.of("{\"type\":\"log\",\"payload\":{\"message\":\"hi\",\"x\":1}}", "payload.x"),
        Arguments.of("{\"type\":\"noop\",\"payload\":{\"duration\":\"PT2H\"}}", "payload.duration"),
        Arguments.of("{\"type\":\"noop\",\"payload\":\"text\"}", "payload"),
        Arguments.of("{\"type\":\"noop\",\"schedule\":{\"cron\":\"0 9 *\"}}", "schedule.cron"),
        Arguments.of(
            "{\"type\":\"noop\",\"schedule\":{\"cron\":\"0 0 0 30 2 *\"}}", "schedule.cron"),
        Arguments.of("{\"type\":\"noop\",\"schedule\":{\"cron\":\"0 0 31 4 *\"}}", "schedule.cron"),
        Arguments.of("{\"type\":\"noop\",\"schedule\":{\"cron\":\"@reboot\"}}", "schedule.cron"),
        Arguments.of(
            "{\"type\":\"noop\",\"schedule\":{\"cron\":\"0 0 25 * * *\"}}", "schedule.cron"),
        Arguments.of(
            "{\"type\":\"noop\",\"schedule\":{\"cron\":\"0 0 9 * * *\",\"timeZone\":\"Mars/Base\"}}",
            "schedule.timeZone"),
        Arguments.of(
            "{\"type\":\"noop\",\"schedule\":{\"every\":\"5 minutes\"}}", "schedule.every"),
        Arguments.of("{\"type\":\"noop\",\"schedule\":{\"every\":\"PT0.5S\"}}", "schedule.every"),
        Arguments.of("{\"type\":\"noop\",\"schedule\":{\"at\":\"tomorrow\"}}", "schedule.at"),
        Arguments.of(
            "{\"type\":\"noop\",\"schedule\":{\"at\":\"2026-12-18T18:00:00\"}}",
            "schedule.timeZone"),
        Arguments.of(
            "{\"type\":\"noop\",\"schedule\":{\"at\":\"2026-06-01T11:54:59Z\"}}", "schedule.at"),
        Arguments.of(
            "{\"type\":\"noop\",\"schedule\":{\"at\":\"2026-06-01T11:58:00Z\"},"
                + "\"misfireGrace\":\"PT1M\"}",
            "schedule.at"),
        Arguments.of(
            "{\"type\":\"noop\",\"schedule\":{\"at\":\"2026-12-18T18:00:00Z\",\"every\":\"PT5M\"}}",
            "schedule"),
        Arguments.of("{\"type\":\"noop\",\"schedule\":{}}", "schedule"),
        Arguments.of("{\"type\":\"noop\",\"timeout\":\"30s\"}", "timeout"),
        Arguments.of("{\"type\":\"noop\",\"timeout\":\"PT48H\"}", "timeout"),
        Arguments.of("{\"type\":\"noop\",\"misfireGrace\":\"-PT1M\"}", "misfireGrace"),
        Arguments.of("{\"type\":\"noop\",\"misfireGrace\":\"soon\"}", "misfireGrace"),
        Arguments.of("{\"type\":\"noop\",\"misfireGrace\":\"P8D\"}", "misfireGrace"),
        Arguments.of("{\"type\":\"noop\",\"misfireGrace\":\"None\"}", "misfireGrace"),
        Arguments.of("{\"type\":\"noop\",\"id\":\"has space\"}", "id"),
        Arguments.of("{\"type\":\"noop\",\"id\":\"\"}", "id"),
        Arguments.of("{\"type\":\"noop\",\"id\":\"" + "x".repeat(201) + "\"}", "id"),
        Arguments.of("{\"type\":\"noop\",\"id\":\"a/b\"}", "id"),
        Arguments.of("{\"type\":\"noop\",\"group\":\"<script>\"}", "group"),
        Arguments.of("{\"type\":\"noop\",\"priority\":1001}", "priority"),
        Arguments.of("{\"type\":\"noop\",\"priority\":\"high\"}", "priority"),
        Arguments.of("{\"type\":\"noop\",\"maxAttempts\":0}", "maxAttempts"),
        Arguments.of("{\"type\":\"noop\",\"maxAttempts\":101}", "maxAttempts"),
        Arguments.of("{\"type\":\"noop\",\"id\":\"notify:dead:x:1:2\"}", "id"),
        Arguments.of("{\"type\":\"noop\",\"notify\":\"ops@example.com\"}", "notify"),
        Arguments.of("{\"type\":\"noop\",\"notify\":[{}]}", "notify[0].webhook"),
        Arguments.of(
            "{\"type\":\"noop\",\"notify\":[{\"webhook\":\"https://a.example.com\","
                + "\"email\":\"ops@example.com\"}]}",
            "notify[0].webhook"),
        Arguments.of(
            "{\"type\":\"noop\",\"notify\":[{\"email\":\"ops@example.com\"},"
                + "{\"webhook\":\"ftp://a.example.com/x\"}]}",
            "notify[1].webhook"),
        Arguments.of(
            "{\"type\":\"noop\",\"notify\":[{\"email\":\"not an address\"}]}", "notify[0].email"),
        Arguments.of(
            "{\"type\":\"noop\",\"notify\":[{\"email\":\"ops@example.com\","
                + "\"events\":[\"DEAD\",\"EXPLODED\"]}]}",
            "notify[0].events[1]"),
        Arguments.of(
            "{\"type\":\"noop\",\"notify\":["
                + "{\"email\":\"a@example.com\"},".repeat(10)
                + "{\"email\":\"a@example.com\"}]}",
            "notify"),
        Arguments.of(
            "{\"type\":\"noop\",\"notify\":[{\"email\":\"ops@example.com\",\"cc\":1}]}",
            "notify[0].cc"));
  }

  @ParameterizedTest
  @MethodSource("invalidJobs")
  void anInvalidJobIsRefusedWithAProblemNamingTheFieldAndNothingIsStored(String body, String field)
      throws Exception {
    ResultActions result =
        mvc.perform(as("writer-key", post("/api/v1/jobs").content(body)))
            .andExpect(status().isBadRequest())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.status").value(400));
    if (field != null) {
      result.andExpect(jsonPath("$.field").value(field));
    }
  }

  @Test
  void anAtWithinTheMisfireGraceIsAcceptedAndRunsAtOnce() throws Exception {
    expectNothingStored = false;
    Job job = job("late", JobState.SCHEDULED, null);
    when(submitter.submit(any(NewJob.class))).thenReturn(new JobSubmitter.Submission(job, true));
    when(store.find("late")).thenReturn(Optional.of(job));
    mvc.perform(
            as(
                "writer-key",
                post("/api/v1/jobs")
                    .content(
                        "{\"type\":\"noop\",\"id\":\"late\",\"schedule\":{\"at\":"
                            + "\"2026-06-01T11:59:30Z\"}}")))
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/v1/jobs/late"))
        .andExpect(jsonPath("$.createdBy").value("writer"));
  }

  @Test
  void aBodyOverTheSizeLimitIsRefusedWith400() throws Exception {
    String big = "{\"type\":\"log\",\"payload\":{\"message\":\"" + "x".repeat(2000) + "\"}}";
    mvc.perform(as("writer-key", post("/api/v1/jobs").content(big)))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.detail", startsWith("the request body is larger than 1024")));
  }

  @Test
  void aRequestWithoutAKeyIsRefusedWith401() throws Exception {
    mvc.perform(get("/api/v1/jobs/any"))
        .andExpect(status().isUnauthorized())
        .andExpect(header().string("WWW-Authenticate", startsWith("Bearer")))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    mvc.perform(
            post("/api/v1/jobs")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"type\":\"noop\"}"))
        .andExpect(status().isUnauthorized());
  }

  @Test
  void anUnknownKeyIsRefusedWith401() throws Exception {
    mvc.perform(as("guess", get("/api/v1/jobs/any")))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.detail").value("the API key is not valid"));
    mvc.perform(get("/api/v1/jobs/any").header("Authorization", "Basic d3JpdGVyLWtleQ=="))
        .andExpect(status().isUnauthorized());
  }

  @Test
  void aReadOnlyKeyMayReadButNotWrite() throws Exception {
    mvc.perform(as("reader-key", post("/api/v1/jobs").content("{\"type\":\"noop\"}")))
        .andExpect(status().isForbidden())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.requiredScope").value("jobs:write"));
    mvc.perform(as("reader-key", post("/api/v1/jobs/x/pause"))).andExpect(status().isForbidden());
    mvc.perform(as("reader-key", delete("/api/v1/jobs?group=g"))).andExpect(status().isForbidden());

    when(store.find("x")).thenReturn(Optional.empty());
    mvc.perform(as("reader-key", get("/api/v1/jobs/x")))
        .andExpect(status().isNotFound())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
  }

  @Test
  void theOperatorKeyFromTheEnvironmentHasEveryScope() throws Exception {
    expectNothingStored = false;
    when(control.pause("x", JobControl.Caller.operator("operator")))
        .thenReturn(job("x", JobState.PAUSED, null));
    mvc.perform(as("operator-key-for-tests-4f9c2b7e1d8a6053c9e2f4b1", post("/api/v1/jobs/x/pause")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.state").value("PAUSED"));
  }

  @Test
  void aWrongMethodIs405WithAProblem() throws Exception {
    mvc.perform(as("writer-key", put("/api/v1/jobs/x/pause").content("{}")))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    mvc.perform(as("writer-key", get("/api/v1/jobs/x/pause")))
        .andExpect(status().isMethodNotAllowed());
  }

  @Test
  void aWrongContentTypeIs415WithAProblem() throws Exception {
    mvc.perform(
            post("/api/v1/jobs")
                .header("Authorization", "Bearer writer-key")
                .contentType(MediaType.TEXT_PLAIN)
                .content("{\"type\":\"noop\"}"))
        .andExpect(status().isUnsupportedMediaType())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
  }

  @Test
  void listingRefusesALimitOutOfRangeAnUnknownStateAndAForgedCursor() throws Exception {
    for (String query :
        new String[] {"limit=0", "limit=501", "limit=many", "state=ASLEEP", "cursor=bm9wZQ"}) {
      String field = query.substring(0, query.indexOf('='));
      mvc.perform(as("reader-key", get("/api/v1/jobs?" + query)))
          .andExpect(status().isBadRequest())
          .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
          .andExpect(jsonPath("$.field").value(field));
    }
    mvc.perform(as("reader-key", get("/api/v1/jobs?type=nope")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("type"));
  }

  @Test
  void cancellingAGroupNeedsTheGroup() throws Exception {
    mvc.perform(as("writer-key", delete("/api/v1/jobs")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("group"));
  }

  @Test
  void aChangeWithNothingToChangeOrAMissedAtIsRefused() throws Exception {
    mvc.perform(as("writer-key", patch("/api/v1/jobs/x").content("{}")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("schedule"));
    mvc.perform(as("writer-key", patch("/api/v1/jobs/x").content("{\"payload\":{}}")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("payload"));
    when(store.find("x")).thenReturn(Optional.of(job("x", JobState.SCHEDULED, null)));
    mvc.perform(
            as(
                "writer-key",
                patch("/api/v1/jobs/x")
                    .content("{\"schedule\":{\"at\":\"2020-01-01T00:00:00Z\"}}")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("schedule.at"));
  }

  /**
   * Jobs created through the API before keep their stored hashes: the same POST after an upgrade is
   * still a replay, not a conflict, and a PUT of the same definition changes nothing. The expected
   * values are the SHA-256 of the request's canonical JSON (members sorted, nulls left out, id
   * included) that earlier releases hashed.
   */
  @Test
  void aRequestHashesAsEarlierReleasesStoredIt() throws Exception {
    expectNothingStored = false;
    when(submitter.submit(any(NewJob.class)))
        .thenAnswer(
            call ->
                new JobSubmitter.Submission(
                    job(call.getArgument(0, NewJob.class).id(), JobState.SCHEDULED, null), true));
    when(submitter.replace(any(NewJob.class)))
        .thenAnswer(
            call ->
                new JobSubmitter.Replacement(
                    job(call.getArgument(0, NewJob.class).id(), JobState.SCHEDULED, null),
                    JobStore.Replaced.CREATED));
    when(store.find(any()))
        .thenAnswer(call -> Optional.of(job(call.getArgument(0), JobState.SCHEDULED, null)));
    // {"id":"a-1","payload":{"message":"hi"},"schedule":{"every":"PT5M"},"type":"log"}
    mvc.perform(
            as(
                "writer-key",
                post("/api/v1/jobs")
                    .content(
                        "{\"type\":\"log\",\"id\":\"a-1\",\"schedule\":{\"every\":\"PT5M\"},"
                            + "\"payload\":{\"message\":\"hi\"}}")))
        .andExpect(status().isCreated());
    // {"id":"n-1","maxAttempts":3,"notify":[{"email":"ops@example.com","events":["DEAD"]}],
    //  "schedule":{"at":"2026-06-01T14:30:00+02:00"},"timeout":"PT30S","type":"noop"}
    String definition =
        "\"notify\":[{\"email\":\"ops@example.com\",\"events\":[\"DEAD\"]}],\"maxAttempts\":3,"
            + "\"timeout\":\"PT30S\",\"schedule\":{\"at\":\"2026-06-01T14:30:00+02:00\"}}";
    mvc.perform(
            as(
                "writer-key",
                post("/api/v1/jobs").content("{\"type\":\"noop\",\"id\":\"n-1\"," + definition)))
        .andExpect(status().isCreated());
    mvc.perform(
            as("writer-key", put("/api/v1/jobs/n-1").content("{\"type\":\"noop\"," + definition)))
        .andExpect(status().isCreated());

    ArgumentCaptor<NewJob> created = ArgumentCaptor.forClass(NewJob.class);
    verify(submitter, times(2)).submit(created.capture());
    assertThat(created.getAllValues())
        .extracting(NewJob::requestHash)
        .containsExactly(
            "0f2f1004ea3ba8ddd5977821043e80cc3c3451559440733c2eaac1d5f759751d",
            "151d6ac1787c1ff819a87d564d6f2e858e700e1113011049c70fbc905f2a8764");
    ArgumentCaptor<NewJob> replaced = ArgumentCaptor.forClass(NewJob.class);
    verify(submitter).replace(replaced.capture());
    assertThat(replaced.getValue().requestHash())
        .isEqualTo("151d6ac1787c1ff819a87d564d6f2e858e700e1113011049c70fbc905f2a8764");
  }

  @Test
  void pausingARunningJobIs409NamingTheWorker() throws Exception {
    expectNothingStored = false;
    Job running = job("busy", JobState.RUNNING, "worker-3");
    when(control.pause(eq("busy"), any(JobControl.Caller.class)))
        .thenThrow(new JobStateConflict(running, "job 'busy' is running on worker-3"));
    mvc.perform(as("writer-key", post("/api/v1/jobs/busy/pause")))
        .andExpect(status().isConflict())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.state").value("RUNNING"))
        .andExpect(jsonPath("$.runningOn").value("worker-3"));
  }

  @Test
  void theEtagNamesTheDefinitionAndAPatchForAnOlderOneIs412() throws Exception {
    expectNothingStored = false;
    Job job = job("x", JobState.SCHEDULED, null);
    when(store.find("x")).thenReturn(Optional.of(job));
    mvc.perform(as("reader-key", get("/api/v1/jobs/x")))
        .andExpect(status().isOk())
        .andExpect(header().string("ETag", "\"" + job.version() + "\""));
    when(control.change(eq("x"), any(JobControl.Change.class), any(JobControl.Caller.class)))
        .thenThrow(new io.kairos.job.StaleJobVersion("x", "feedbeef"));
    mvc.perform(
            as("writer-key", patch("/api/v1/jobs/x").content("{\"priority\":5}"))
                .header("If-Match", "\"read-before\""))
        .andExpect(status().isPreconditionFailed())
        .andExpect(header().string("ETag", "\"feedbeef\""))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    ArgumentCaptor<JobControl.Change> asked = ArgumentCaptor.forClass(JobControl.Change.class);
    verify(control).change(eq("x"), asked.capture(), any(JobControl.Caller.class));
    assertThat(asked.getValue().ifVersion()).isEqualTo("read-before");
    mvc.perform(
            as("writer-key", patch("/api/v1/jobs/x").content("{\"priority\":5}"))
                .header("If-Match", "read-before"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("If-Match"));
  }

  @Test
  void aPayloadPatchIsMergedIntoTheStoredPayloadAndCheckedAsANewJobsPayload() throws Exception {
    expectNothingStored = false;
    var json = KairosJson.newObjectMapper();
    Job job = job("l", "log", json.readTree("{\"message\":\"old\"}"));
    when(store.find("l")).thenReturn(Optional.of(job));
    mvc.perform(
            as("writer-key", patch("/api/v1/jobs/l").content("{\"payload\":{\"message\":[1]}}")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("payload.message"));
    verifyNoInteractions(control);
    when(control.change(eq("l"), any(JobControl.Change.class), any(JobControl.Caller.class)))
        .thenReturn(job);
    mvc.perform(
            as(
                "writer-key",
                patch("/api/v1/jobs/l").content("{\"payload\":{\"message\":\"new\"}}")))
        .andExpect(status().isOk());
    ArgumentCaptor<JobControl.Change> asked = ArgumentCaptor.forClass(JobControl.Change.class);
    verify(control).change(eq("l"), asked.capture(), any(JobControl.Caller.class));
    assertThat(asked.getValue().payload()).isEqualTo(json.readTree("{\"message\":\"new\"}"));
    assertThat(asked.getValue().ifVersion()).isNull();
    assertThat(asked.getValue().schedule()).isNull();
  }

  @Test
  void controllingAnUnknownJobIs404() throws Exception {
    expectNothingStored = false;
    when(control.cancel(eq("ghost"), any(JobControl.Caller.class)))
        .thenThrow(new UnknownJobException("ghost"));
    mvc.perform(as("writer-key", delete("/api/v1/jobs/ghost")))
        .andExpect(status().isNotFound())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
  }

  private static MockHttpServletRequestBuilder as(
      String key, MockHttpServletRequestBuilder request) {
    return request.header("Authorization", "Bearer " + key).contentType(MediaType.APPLICATION_JSON);
  }

  private static Job job(String id, JobState state, String runningOn) {
    return job(id, "noop", KairosJson.newObjectMapper().createObjectNode(), state, runningOn);
  }

  private static Job job(String id, String type, com.fasterxml.jackson.databind.JsonNode payload) {
    return job(id, type, payload, JobState.SCHEDULED, null);
  }

  private static Job job(
      String id,
      String type,
      com.fasterxml.jackson.databind.JsonNode payload,
      JobState state,
      String runningOn) {
    return new Job(
        id,
        type,
        null,
        payload,
        ScheduleSpec.at(NOW),
        3,
        0,
        "hash",
        state,
        NOW,
        runningOn,
        null,
        null,
        null,
        0,
        null,
        NOW,
        "writer",
        NOW,
        null,
        null,
        null,
        "writer",
        null,
        1,
        JobSource.API,
        false,
        null);
  }
}
