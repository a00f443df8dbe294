package io.kairos.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.github.resilience4j.retry.Retry;
import io.kairos.execution.JobTask;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.JobData;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRun;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.JobType;
import io.kairos.job.PermanentJobFailure;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.job.TransientJobFailure;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tier 1 (Resilience4j, in process) inside tier 2 (the persisted tier of {@link JobTask}), on a
 * real PostgreSQL with the scheduler's clock stepped by hand.
 */
class TwoTierRetryTests {

  /** The failures a job's calls throw, in order; once they run out, calls succeed. */
  record Scripted(String script) {}

  static final JobType<Scripted> SCRIPTED =
      new JobType<>("scripted", Scripted.class, "fails as scripted");
  static final Map<String, Deque<RuntimeException>> SCRIPTS = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
  static final Map<String, List<String>> OCCURRENCES = new ConcurrentHashMap<>();

  static final JobHandler<Scripted> HANDLER =
      (payload, context) -> {
        CALLS.computeIfAbsent(context.jobId(), id -> new AtomicInteger()).incrementAndGet();
        OCCURRENCES
            .computeIfAbsent(context.jobId(), id -> new CopyOnWriteArrayList<>())
            .add(context.occurrenceId());
        RuntimeException next = SCRIPTS.getOrDefault(context.jobId(), new ArrayDeque<>()).poll();
        if (next != null) {
          throw next;
        }
      };

  static KairosFixture fixture;
  SettableClock clock;
  Retry retry;
  List<Duration> tierOneWaits;
  ManualScheduler scheduler;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(SCRIPTED, HANDLER), 4);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @BeforeEach
  void scheduler() {
    clock = new SettableClock();
    clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    scheduler(new RetryPolicy(3, Duration.ofMillis(5), 2.0, 0.0, Duration.ofSeconds(1)));
  }

  void scheduler(RetryPolicy policy) {
    retry = Retry.of("scripted", policy.toRetryConfig());
    tierOneWaits = new CopyOnWriteArrayList<>();
    retry.getEventPublisher().onRetry(event -> tierOneWaits.add(event.getWaitInterval()));
    var support =
        fixture.jobTasks(
            clock, new PersistedBackoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10)));
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(
                    fixture.schedulerDataSource,
                    List.of(support.task(SCRIPTED, RetryingHandler.decorate(HANDLER, retry))))
                .clock(clock)
                .serializer(fixture.serializer)
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
  }

  @Test
  void aTransientFaultIsRetriedInProcessWithinOneAttempt() {
    submit("tier-1-heals", 3, transientFault(), transientFault());

    scheduler.runAnyDueExecutions();

    assertThat(runs("tier-1-heals"))
        .extracting(JobRun::attempt, JobRun::outcome, JobRun::detail)
        .containsExactly(tuple(1, RunOutcome.SUCCEEDED, "3 tries in process"));
    assertThat(CALLS.get("tier-1-heals")).hasValue(3);
    assertThat(tierOneWaits).containsExactly(Duration.ofMillis(5), Duration.ofMillis(10));
    assertThat(state("tier-1-heals")).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void whenTierOneGivesUpThePersistedTierReschedulesTheJobForAnyWorker() {
    submit(
        "tier-2-heals", 3, transientFault(), transientFault(), transientFault(), transientFault());

    scheduler.runAnyDueExecutions();
    assertThat(CALLS.get("tier-2-heals")).hasValue(3);
    assertThat(fixture.jobs.find("tier-2-heals").orElseThrow().nextRunAt())
        .isEqualTo(clock.now().plusSeconds(10));

    scheduler.tick(Duration.ofSeconds(10));
    scheduler.runAnyDueExecutions();

    assertThat(runs("tier-2-heals"))
        .extracting(JobRun::attempt, JobRun::outcome, JobRun::detail)
        .containsExactly(
            tuple(1, RunOutcome.FAILED, "3 tries in process"),
            tuple(2, RunOutcome.SUCCEEDED, "2 tries in process"));
    assertThat(runs("tier-2-heals").get(0).error())
        .isEqualTo("TransientJobFailure: connection refused");
    assertThat(CALLS.get("tier-2-heals")).hasValue(5);
    // One idempotency key for all five tries of the occurrence, across both tiers.
    assertThat(OCCURRENCES.get("tier-2-heals"))
        .hasSize(5)
        .containsOnly("tier-2-heals@" + Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
    assertThat(state("tier-2-heals")).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void aJobWhoseTransientFaultOutlastsBothTiersIsDeadWithItsLastError() {
    RuntimeException[] faults = new RuntimeException[6];
    java.util.Arrays.setAll(faults, i -> transientFault());
    submit("outlasts", 2, faults);

    scheduler.runAnyDueExecutions();
    scheduler.tick(Duration.ofSeconds(10));
    scheduler.runAnyDueExecutions();

    // 2 persisted attempts × 3 tries each: the tiers multiply.
    assertThat(CALLS.get("outlasts")).hasValue(6);
    var job = fixture.jobs.find("outlasts").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DEAD);
    assertThat(job.lastError()).isEqualTo("TransientJobFailure: connection refused");
  }

  @Test
  void aPermanentFaultSkipsBothTiers() {
    submit("permanent", 5, new PermanentJobFailure("HTTP 404"));

    scheduler.runAnyDueExecutions();

    assertThat(CALLS.get("permanent")).hasValue(1);
    assertThat(tierOneWaits).isEmpty();
    assertThat(runs("permanent")).hasSize(1);
    assertThat(state("permanent")).isEqualTo(JobState.DEAD);
    assertThat(fixture.jobs.find("permanent").orElseThrow().lastError())
        .isEqualTo("PermanentJobFailure: HTTP 404");
  }

  @Test
  void anUnclassifiedFailureIsNotRetriedInProcessButIsByThePersistedTier() {
    submit("unclassified", 3, new IllegalStateException("bug"));

    scheduler.runAnyDueExecutions();

    assertThat(CALLS.get("unclassified")).hasValue(1);
    assertThat(state("unclassified")).isEqualTo(JobState.SCHEDULED);
    assertThat(fixture.jobs.find("unclassified").orElseThrow().nextRunAt())
        .isEqualTo(clock.now().plusSeconds(10));
  }

  @Test
  void aRetryAfterWithinTierOnesMaxWaitIsHonouredInProcess() {
    submit(
        "retry-after-short", 3, new TransientJobFailure("HTTP 429", null, Duration.ofMillis(300)));

    scheduler.runAnyDueExecutions();

    assertThat(tierOneWaits).containsExactly(Duration.ofMillis(300));
    assertThat(state("retry-after-short")).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void aRetryAfterBeyondTierOnesMaxWaitGoesStraightToThePersistedTierWhichHonoursIt() {
    submit("retry-after-long", 3, new TransientJobFailure("HTTP 429", null, Duration.ofMinutes(5)));

    scheduler.runAnyDueExecutions();

    assertThat(CALLS.get("retry-after-long")).hasValue(1);
    assertThat(tierOneWaits).isEmpty();
    assertThat(fixture.jobs.find("retry-after-long").orElseThrow().nextRunAt())
        .isEqualTo(clock.now().plus(Duration.ofMinutes(5)));
  }

  @Test
  void anAttemptsTimeoutEndsTierOnesWaitingAtOnce() {
    scheduler(new RetryPolicy(5, Duration.ofHours(1), 2.0, 0.0, Duration.ofHours(1)));
    SCRIPTS.put("patient", new ArrayDeque<>(List.of(transientFault(), transientFault())));
    JobData data =
        JobData.first(
            fixture.json.createObjectNode().put("script", "x"),
            ScheduleSpec.at(clock.now()),
            2,
            Duration.ofMillis(300));
    fixture.transactions.executeWithoutResult(
        tx -> {
          fixture.jobs.create(
              fixture.sealed(
                  fixture.job("patient", "scripted", data.payload(), data.schedule(), 2)),
              JobSource.API);
          // Below NewJob's smallest timeout, so written into the task data directly.
          fixture.jdbc.update(
              KairosSchema.DEFAULT.sql(
                  "update scheduled_tasks set task_data = ? where task_instance = 'patient'"),
              fixture.serializer.serialize(data));
        });

    scheduler.runAnyDueExecutions(); // returns once the timeout interrupted the hour-long wait

    assertThat(CALLS.get("patient")).hasValue(1);
    assertThat(runs("patient")).extracting(JobRun::outcome).containsExactly(RunOutcome.TIMED_OUT);
    assertThat(state("patient")).isEqualTo(JobState.SCHEDULED);
  }

  @Test
  void policiesRefuseSettingsThatMakeNoSense() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new RetryPolicy(0, Duration.ofSeconds(1), 2.0, 0.5, Duration.ofSeconds(5)))
        .hasMessageContaining("max-attempts");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new RetryPolicy(3, Duration.ofSeconds(1), 2.0, 1.5, Duration.ofSeconds(5)))
        .hasMessageContaining("jitter");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new RetryPolicy(3, Duration.ofSeconds(10), 2.0, 0.5, Duration.ofSeconds(5)))
        .hasMessageContaining("max-wait");
    assertThat(RetryPolicy.DEFAULT.nominalWaitBefore(2)).isEqualTo(Duration.ofMillis(500));
    assertThat(RetryPolicy.DEFAULT.nominalWaitBefore(3)).isEqualTo(Duration.ofSeconds(1));
  }

  private void submit(String id, int maxAttempts, RuntimeException... faults) {
    SCRIPTS.put(id, new ArrayDeque<>(List.of(faults)));
    fixture
        .submitter(clock)
        .submit(
            fixture.job(
                id,
                "scripted",
                fixture.payload("{\"script\": \"" + id + "\"}"),
                ScheduleSpec.at(clock.now()),
                maxAttempts));
  }

  private static TransientJobFailure transientFault() {
    return new TransientJobFailure("connection refused", null);
  }

  private List<JobRun> runs(String id) {
    return fixture.runs.runsOf(id, 0, 100);
  }

  private JobState state(String id) {
    return fixture.jobs.find(id).orElseThrow().state();
  }
}
