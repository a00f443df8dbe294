package io.kairos.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.kairos.control.JobSubmitter;
import io.kairos.job.Job;
import io.kairos.job.JobFilter;
import io.kairos.job.JobState;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.node.WorkerNode;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's counts and the jobs list's prefix and stale filters, on a real PostgreSQL. */
class ClusterOverviewStoreTests {

  static final Duration SILENT_AFTER = Duration.ofSeconds(30);

  static KairosFixture fixture;
  static ClusterOverviewStore overview;

  @BeforeAll
  static void cluster() {
    fixture = new KairosFixture(Map.of(Noop.TYPE, new Noop()), 4);
    overview = new ClusterOverviewStore(fixture.dataSource, KairosSchema.DEFAULT);
    SettableClock clock = new SettableClock();
    Instant now = Instant.now();
    clock.set(now);
    JobSubmitter submitter = fixture.submitter(clock);
    submitter.submit(fixture.job("due-1", "noop", null, ScheduleSpec.at(now.minusSeconds(30)), 3));
    submitter.submit(fixture.job("due_2", "noop", null, ScheduleSpec.at(now.minusSeconds(5)), 3));
    submitter.submit(fixture.job("later", "noop", null, ScheduleSpec.at(now.plusSeconds(3600)), 3));
    submitter.submit(fixture.job("picked", "noop", null, ScheduleSpec.at(now), 3));
    submitter.submit(fixture.job("dead-1", "noop", null, ScheduleSpec.at(now), 3));
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update scheduled_tasks set picked = true, picked_by = 'node-a', last_heartbeat = now()"
                + " where task_instance = 'picked'"));
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql("delete from scheduled_tasks where task_instance = 'dead-1'"));
    fixture.finish("dead-1", JobState.DEAD, "boom");
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql("update kairos_job set stale_since = now() where id = 'later'"));

    fixture.runs.recordFinished(
        List.of(
            new RunHistoryStore.FinishedAttempt(
                "due-1", "noop", now, now, "node-a", 1, false, RunOutcome.SUCCEEDED, null, null),
            new RunHistoryStore.FinishedAttempt(
                "due_2", "noop", now, now, "node-a", 1, false, RunOutcome.FAILED, "nope", null),
            // Started two hours ago: outside the window.
            new RunHistoryStore.FinishedAttempt(
                "due_2",
                "noop",
                now,
                now.minus(Duration.ofHours(2)),
                "node-a",
                2,
                false,
                RunOutcome.SUCCEEDED,
                null,
                null),
            new RunHistoryStore.FinishedAttempt(
                "picked",
                "noop",
                now,
                now,
                "node-a",
                2,
                true,
                RunOutcome.TIMED_OUT,
                "slow",
                null)));

    fixture.nodes.register("node-a", "host", 1, Duration.ofSeconds(5));
    fixture.nodes.register("node-b", "host", 2, Duration.ofSeconds(5));
    fixture.nodes.report("node-b", WorkerNode.State.DRAINING, 0);
    fixture.nodes.register("node-c", "host", 3, Duration.ofSeconds(5));
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update kairos_node set last_seen = now() - interval '10 minutes' where name = 'node-c'"));
    fixture.nodes.register("node-d", "host", 4, Duration.ofSeconds(5));
    fixture.nodes.report("node-d", WorkerNode.State.STOPPED, 0);
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  void countsJobsByStateAsTheRegistryShowsThem() {
    ClusterOverviewStore.Snapshot snapshot = overview.snapshot(SILENT_AFTER, 10);
    assertThat(snapshot.jobsByState())
        .containsEntry(JobState.SCHEDULED, 3L)
        .containsEntry(JobState.RUNNING, 1L)
        .containsEntry(JobState.DEAD, 1L)
        .containsEntry(JobState.PAUSED, 0L)
        .hasSize(JobState.values().length);
    assertThat(snapshot.dead()).isEqualTo(1);
    assertThat(snapshot.stale()).isEqualTo(1);
  }

  @Test
  void dueButUnclaimedLeavesOutClaimedAndFutureExecutions() {
    ClusterOverviewStore.Due due = overview.snapshot(SILENT_AFTER, 10).due();
    assertThat(due.count()).isEqualTo(2);
    assertThat(due.oldestAge()).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(120));
  }

  @Test
  void executionsPerMinuteCoverTheLastHourByOutcome() {
    ClusterOverviewStore.Snapshot snapshot = overview.snapshot(SILENT_AFTER, 10);
    Map<RunOutcome, Long> total =
        snapshot.executionsPerMinute().stream()
            .collect(
                Collectors.groupingBy(
                    ClusterOverviewStore.MinuteCount::outcome,
                    Collectors.summingLong(ClusterOverviewStore.MinuteCount::count)));
    // The attempt started two hours ago is outside the window.
    assertThat(total)
        .containsEntry(RunOutcome.SUCCEEDED, 1L)
        .containsEntry(RunOutcome.FAILED, 1L)
        .containsEntry(RunOutcome.TIMED_OUT, 1L)
        .hasSize(3);
    assertThat(snapshot.windowStart())
        .isEqualTo(
            snapshot
                .takenAt()
                .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                .minus(Duration.ofMinutes(ClusterOverviewStore.WINDOW_MINUTES - 1)));
    assertThat(snapshot.executionsPerMinute())
        .allSatisfy(m -> assertThat(m.minute()).isAfterOrEqualTo(snapshot.windowStart()));
  }

  @Test
  void nodesAreAliveDrainingStoppedOrDeadWhenSilent() {
    ClusterOverviewStore.NodeCounts nodes = overview.snapshot(SILENT_AFTER, 10).nodes();
    assertThat(nodes).isEqualTo(new ClusterOverviewStore.NodeCounts(1, 1, 1, 1));
  }

  @Test
  void recentRecoveriesAreTheRecoveredAttempts() {
    List<ClusterOverviewStore.Recovery> recoveries =
        overview.snapshot(SILENT_AFTER, 10).recentRecoveries();
    assertThat(recoveries).hasSize(1);
    assertThat(recoveries.get(0).jobId()).isEqualTo("picked");
    assertThat(recoveries.get(0).attempt()).isEqualTo(2);
    assertThat(overview.snapshot(SILENT_AFTER, 0).recentRecoveries()).isEmpty();
  }

  @Test
  void recoveredAttemptsAreCountedWithinTheirWindow() {
    assertThat(overview.recoveredWithin(Duration.ofMinutes(15))).isEqualTo(1);
    assertThat(overview.recoveredWithin(Duration.ofSeconds(-60))).isZero();
  }

  @Test
  void dueExecutionsCountAsUnservedUntilALiveWorkerPublishesTheirType() {
    // Neither node has published a type: both due noop executions wait for nobody.
    assertThat(overview.dueUnservedByType(Duration.ofSeconds(15))).isEqualTo(Map.of("noop", 2L));
    // A stopped or silent node serving the type does not count; a live one does.
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "insert into kairos_node_type (node, type_name, schema_hash) values ('node-c', 'noop',"
                + " 'h'), ('node-d', 'noop', 'h')"));
    assertThat(overview.dueUnservedByType(Duration.ofSeconds(15))).isEqualTo(Map.of("noop", 2L));
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "insert into kairos_node_type (node, type_name, schema_hash) values ('node-a', 'noop',"
                + " 'h')"));
    try {
      assertThat(overview.dueUnservedByType(Duration.ofSeconds(15))).isEmpty();
    } finally {
      fixture.jdbc.update(KairosSchema.DEFAULT.sql("delete from kairos_node_type"));
    }
  }

  @Test
  void nodesComeInKeysetPagesWithWhatTheyRun() {
    List<ClusterOverviewStore.NodeStatus> first = overview.nodes(null, 2, SILENT_AFTER);
    assertThat(first).extracting(n -> n.node().name()).containsExactly("node-a", "node-b");
    assertThat(first.get(0).liveness()).isEqualTo(ClusterOverviewStore.Liveness.ALIVE);
    assertThat(first.get(0).inFlight())
        .extracting(ClusterOverviewStore.InFlight::jobId)
        .containsExactly("picked");
    assertThat(first.get(1).liveness()).isEqualTo(ClusterOverviewStore.Liveness.DRAINING);
    assertThat(first.get(1).inFlight()).isEmpty();
    List<ClusterOverviewStore.NodeStatus> second = overview.nodes("node-b", 2, SILENT_AFTER);
    assertThat(second).extracting(n -> n.node().name()).containsExactly("node-c", "node-d");
    assertThat(second)
        .extracting(ClusterOverviewStore.NodeStatus::liveness)
        .containsExactly(ClusterOverviewStore.Liveness.DEAD, ClusterOverviewStore.Liveness.STOPPED);
  }

  @Test
  void theJobsListFiltersByLiteralIdPrefixAndByStaleness() {
    assertThat(ids(new JobFilter(null, null, null, "due", false), null))
        .containsExactly("due-1", "due_2");
    // '_' and '%' are the prefix's own characters, not wildcards.
    assertThat(ids(new JobFilter(null, null, null, "due_", false), null)).containsExactly("due_2");
    assertThat(ids(new JobFilter(null, null, null, "d%", false), null)).isEmpty();
    assertThat(ids(new JobFilter(null, null, null, "due", false), "due-1"))
        .containsExactly("due_2");
    assertThat(ids(new JobFilter(null, null, null, null, true), null)).containsExactly("later");
    assertThat(ids(new JobFilter(null, null, JobState.SCHEDULED, "l", true), null))
        .containsExactly("later");
  }

  private static List<String> ids(JobFilter filter, String after) {
    return fixture.jobs.list(filter, after, 10).stream().map(Job::id).toList();
  }
}
