package io.kairos.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.kairos.control.JobSubmitter;
import io.kairos.execution.PersistedBackoff;
import io.kairos.job.JobHandler;
import io.kairos.job.JobType;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

class StaleJobWatchdogTests {

  record Switch() {}

  static final JobType<Switch> FLAKY = new JobType<>("switchable", Switch.class, "fails on demand");
  final AtomicBoolean failing = new AtomicBoolean(true);
  KairosFixture fixture;
  SettableClock clock;
  ManualScheduler scheduler;
  StaleJobWatchdog watchdog;

  @BeforeEach
  void setUp() {
    JobHandler<Switch> handler =
        (payload, context) -> {
          if (failing.get()) {
            throw new IllegalStateException("made to fail");
          }
        };
    fixture = new KairosFixture(Map.of(FLAKY, handler), 4);
    clock = new SettableClock();
    // The watchdog compares with created_at, written by the database: start at its time.
    clock.set(Instant.now());
    scheduler =
        (ManualScheduler)
            TestHelper.createManualScheduler(
                    fixture.schedulerDataSource,
                    fixture.tasks(fixture.jobTasks(clock, PersistedBackoff.DEFAULT)))
                .clock(clock)
                .serializer(fixture.serializer)
                .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                .build();
    watchdog =
        fixture
            .kairos(clock)
            .watchdog(new StaleJobWatchdog.Settings(2.0, Duration.ZERO, Duration.ofMinutes(1)));
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void aRecurringJobMadeToFailIsReportedStaleAndFreshOnceItSucceedsAgain() {
    fixture
        .submitter(clock)
        .submit(
            fixture.job(
                "every-minute", "switchable", null, ScheduleSpec.every(Duration.ofMinutes(1)), 1));
    scheduler.runAnyDueExecutions();
    assertThat(watchdog.check().stale()).isZero();

    for (int i = 0; i < 3; i++) {
      scheduler.tick(Duration.ofMinutes(1));
      scheduler.runAnyDueExecutions();
    }
    StaleJobWatchdog.Report report = watchdog.check();
    assertThat(report.stale()).isEqualTo(1);
    assertThat(report.newlyStale()).containsExactly("every-minute");
    assertThat(report.newlyStaleCount()).isEqualTo(1);
    assertThat(watchdog.staleCount()).isEqualTo(1);
    assertThat(fixture.jobs.find("every-minute").orElseThrow().staleSince()).isNotNull();
    assertThat(watchdog.check().newlyStale()).as("reported once, not on every check").isEmpty();

    failing.set(false);
    scheduler.tick(Duration.ofMinutes(1));
    scheduler.runAnyDueExecutions();
    assertThat(watchdog.check().freshAgain()).containsExactly("every-minute");
    assertThat(fixture.jobs.find("every-minute").orElseThrow().staleSince()).isNull();
    assertThat(watchdog.staleCount()).isZero();
  }

  @Test
  void aOneTimeJobDueAndUnclaimedPastTheThresholdIsStale() {
    fixture
        .submitter(clock)
        .submit(fixture.job("waiting", "switchable", null, ScheduleSpec.at(clock.now()), 1));
    assertThat(watchdog.check().stale()).isZero();

    clock.tick(Duration.ofMinutes(2)); // no worker ran meanwhile

    StaleJobWatchdog.Report report = watchdog.check();
    assertThat(report.stale()).isEqualTo(1);
    assertThat(report.newlyStale()).containsExactly("waiting");
    assertThat(watchdog.check().newlyStale()).as("reported once, not on every check").isEmpty();

    failing.set(false);
    scheduler.runAnyDueExecutions(); // a worker runs it at last, to its end

    StaleJobWatchdog.Report done = watchdog.check();
    assertThat(done.freshAgain()).containsExactly("waiting");
    assertThat(done.stale()).as("a job that ran is not stale any more").isZero();
  }

  @Test
  void aJobWaitingForATypeNoLiveWorkerServesIsReportedAsSuch() {
    Set<String> served = new java.util.HashSet<>(Set.of("noop"));
    StaleJobWatchdog knowingServedTypes =
        fixture
            .kairos(clock)
            .watchdog(
                new StaleJobWatchdog.Settings(2.0, Duration.ZERO, Duration.ofMinutes(1)),
                io.kairos.notification.Notifier.NONE,
                () -> Set.copyOf(served));
    fixture
        .submitter(clock)
        .submit(fixture.job("unserved", "switchable", null, ScheduleSpec.at(clock.now()), 1));

    clock.tick(Duration.ofMinutes(2));
    StaleJobWatchdog.Report report = knowingServedTypes.check();

    assertThat(report.stale()).isEqualTo(1);
    assertThat(report.newlyStale()).containsExactly("unserved");
    assertThat(report.unserved()).containsExactly(Map.entry("unserved", "switchable"));

    served.add("switchable"); // a worker serving it came up, but has not run it yet
    assertThat(knowingServedTypes.check().unserved()).isEmpty();
  }

  @Test
  void aBacklogGoneStaleAtOnceIsMarkedOverSeveralChecksAndCountedRatherThanListed() {
    StaleJobWatchdog capped =
        fixture
            .kairos(clock)
            .watchdog(
                new StaleJobWatchdog.Settings(2.0, Duration.ZERO, Duration.ofMinutes(1), 1_000));
    fixture
        .submitter(clock)
        .submit(fixture.job("backlog-first", "switchable", null, ScheduleSpec.at(clock.now()), 1));
    List<NewJob> backlog = new ArrayList<>();
    for (int i = 0; i < 1_199; i++) {
      backlog.add(
          fixture.job(
              String.format("backlog-%09d", i),
              "switchable",
              null,
              ScheduleSpec.at(clock.now()),
              1));
    }
    assertThat(fixture.submitter(clock).submitAll(backlog))
        .hasSize(1_199)
        .allMatch(submitted -> submitted.result() == JobSubmitter.Result.CREATED);
    clock.tick(Duration.ofMinutes(2)); // no worker ran meanwhile

    StaleJobWatchdog.Report first = capped.check();
    assertThat(first.newlyStaleCount()).isEqualTo(1_000);
    assertThat(first.newlyStale()).hasSize(StaleJobWatchdog.REPORTED_IDS);
    assertThat(first.more()).as("the cap was reached: the next check goes on").isTrue();
    assertThat(first.stale()).isEqualTo(1_000);

    StaleJobWatchdog.Report second = capped.check();
    assertThat(second.newlyStaleCount()).isEqualTo(200);
    assertThat(second.more()).isFalse();
    assertThat(second.stale()).isEqualTo(1_200);
    assertThat(capped.check().newlyStaleCount()).as("each job marked once").isZero();

    // Workers catch up: every execution claimed (as a lock-and-fetch claims it).
    new JdbcTemplate(fixture.dataSource)
        .update(
            KairosSchema.DEFAULT.sql(
                "update scheduled_tasks set picked = true, picked_by = 'catching-up'"));
    StaleJobWatchdog.Report ran = capped.check();
    assertThat(ran.freshAgainCount()).isEqualTo(1_200);
    assertThat(ran.freshAgain()).hasSize(StaleJobWatchdog.REPORTED_IDS);
    assertThat(ran.stale()).isZero();
  }
}
