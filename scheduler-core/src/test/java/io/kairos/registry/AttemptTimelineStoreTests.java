package io.kairos.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.job.JobRun;
import io.kairos.job.RunOutcome;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The timeline's window of attempts, and a job's runs newest first, on a real PostgreSQL. */
class AttemptTimelineStoreTests {

  static KairosFixture fixture;
  static AttemptTimelineStore timeline;

  @BeforeAll
  static void history() {
    fixture = new KairosFixture(Map.of(Noop.TYPE, new Noop()), 2);
    timeline = new AttemptTimelineStore(fixture.dataSource, KairosSchema.DEFAULT);
    Instant now = Instant.now();
    List<RunHistoryStore.FinishedAttempt> attempts = new ArrayList<>();
    // Long ago: outside any window asked for below.
    attempts.add(finished("old", now.minus(Duration.ofHours(2)), "node-a", 1, RunOutcome.FAILED));
    for (int i = 1; i <= 5; i++) {
      attempts.add(finished("busy", now.minusSeconds(60 - i), "node-a", i, RunOutcome.SUCCEEDED));
    }
    attempts.add(finished("hurt", now.minusSeconds(30), "node-b", 1, RunOutcome.FAILED));
    fixture.runs.recordFinished(attempts);
    fixture.runs.recordWorkerDied("hurt", "noop", now, "node-b", 2, false, now.minusSeconds(20));
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  void aWindowHoldsTheAttemptsThatStartedInItOldestFirst() {
    AttemptTimelineStore.Window window = timeline.attempts(Duration.ofMinutes(15), 100);
    assertThat(window.attempts())
        .extracting(AttemptTimelineStore.Attempt::jobId)
        .doesNotContain("old");
    assertThat(window.attempts()).hasSize(7);
    assertThat(window.attempts()).extracting(AttemptTimelineStore.Attempt::id).isSorted();
    assertThat(window.attempts())
        .filteredOn(a -> a.outcome() == RunOutcome.WORKER_DIED)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.node()).isEqualTo("node-b");
              assertThat(a.finishedAt()).isAfterOrEqualTo(a.startedAt());
            });
    assertThat(Duration.between(window.from(), window.to())).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void whenTheLimitBitesWhatDidNotSucceedIsKeptFirst() {
    AttemptTimelineStore.Window window = timeline.attempts(Duration.ofMinutes(15), 3);
    assertThat(window.attempts())
        .extracting(AttemptTimelineStore.Attempt::outcome)
        .containsExactlyInAnyOrder(RunOutcome.FAILED, RunOutcome.WORKER_DIED, RunOutcome.SUCCEEDED);
    // The succeeded one kept is the latest.
    assertThat(window.attempts())
        .filteredOn(a -> a.outcome() == RunOutcome.SUCCEEDED)
        .singleElement()
        .extracting(AttemptTimelineStore.Attempt::attempt)
        .isEqualTo(5);
  }

  @Test
  void aJobsRunsNewestFirstInKeysetPages() {
    List<JobRun> first = fixture.runs.runsOfNewestFirst("busy", Long.MAX_VALUE, 2);
    assertThat(first).extracting(JobRun::attempt).containsExactly(5, 4);
    List<JobRun> next = fixture.runs.runsOfNewestFirst("busy", first.get(1).id(), 10);
    assertThat(next).extracting(JobRun::attempt).containsExactly(3, 2, 1);
  }

  private static RunHistoryStore.FinishedAttempt finished(
      String job, Instant started, String node, int attempt, RunOutcome outcome) {
    return new RunHistoryStore.FinishedAttempt(
        job, "noop", started, started, node, attempt, false, outcome, null, null);
  }
}
