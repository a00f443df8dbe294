package io.kairos.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.job.JobRequest;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.RunOutcome;
import io.kairos.spring.KairosJobs;
import io.kairos.test.KitApp.Charge;
import io.kairos.test.KitApp.Greeting;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The kit as a user of the starter uses it: the application's own types, on a real PostgreSQL,
 * without a cluster and without sleeping. Tests share the context (and its database and clock), so
 * each uses job ids of its own and leaves no recurring job behind.
 */
@SpringBootTest(
    classes = KitApp.class,
    properties = {
      "kairos.worker.built-in-types=none",
      "kairos.worker.retry.initial-backoff=1m",
      "kairos.worker.retry.multiplier=2.0"
    })
@KairosTest
class KairosTestKitTests {

  @Autowired KairosTestKit kit;
  @Autowired KairosJobs jobs;
  @Autowired KitApp.Greeter greeter;
  @Autowired KitApp.Payments payments;
  @Autowired TransactionTemplate transaction;

  @Test
  void aJobDueNowRunsOnRunDueOnTheTestsThreadAndIsRecorded() {
    jobs.create(JobRequest.of("greet-ada", "greet", new Greeting("Ada")));
    assertThat(greeter.greeted).doesNotContain("Ada");

    assertThat(kit.runDue()).isEqualTo(1);

    assertThat(greeter.greeted).contains("Ada");
    assertThat(greeter.threads).contains(Thread.currentThread());
    List<JobRun> history = kit.history("greet-ada");
    assertThat(history).hasSize(1);
    assertThat(history.get(0).outcome()).isEqualTo(RunOutcome.SUCCEEDED);
    assertThat(history.get(0).attempt()).isEqualTo(1);
    assertThat(history.get(0).detail()).isEqualTo("greeted Ada");
    assertThat(kit.job("greet-ada").orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(kit.runDue()).isZero();
    assertThat(kit.history("greet-ada")).hasSize(1);
  }

  @Test
  void nothingRunsBeforeItsTimeAndItRunsOnceTheClockGetsThere() {
    Instant at = kit.now().plus(Duration.ofHours(2));
    jobs.create(JobRequest.of("greet-later", "greet", new Greeting("Later")).at(at));

    kit.runDue();
    kit.advance(Duration.ofHours(2).minusSeconds(1));
    kit.runDue();
    assertThat(kit.history("greet-later")).isEmpty();
    assertThat(kit.job("greet-later").orElseThrow().state()).isEqualTo(JobState.SCHEDULED);

    kit.advance(Duration.ofSeconds(1));
    kit.runDue();

    assertThat(kit.history("greet-later"))
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
              assertThat(run.scheduledFor()).isEqualTo(at);
            });
  }

  @Test
  void aRecurringJobRunsOncePerAdvanceHoweverFarTheClockJumps() {
    jobs.create(
        JobRequest.of("greet-hourly", "greet", new Greeting("Hourly")).every(Duration.ofHours(1)));
    kit.runDue();
    assertThat(kit.history("greet-hourly")).hasSize(1);

    for (int hour = 1; hour <= 3; hour++) {
      kit.advance(Duration.ofHours(1));
      kit.runDue();
      kit.runDue();
      assertThat(kit.history("greet-hourly")).hasSize(1 + hour);
    }
    // Five hours at once: one run, as on a cluster that was down (recurring jobs coalesce).
    kit.advance(Duration.ofHours(5));
    kit.runDue();
    assertThat(kit.history("greet-hourly")).hasSize(5);
    assertThat(kit.history("greet-hourly")).allMatch(run -> run.outcome() == RunOutcome.SUCCEEDED);

    jobs.cancel("greet-hourly");
  }

  @Test
  void aFailingJobRetriesAfterItsBackoffAndEndsDeadAfterMaxAttempts() {
    jobs.create(JobRequest.of("charge-1", "charge", new Charge("acc-1")).maxAttempts(3));

    kit.runDue();
    // Tier 1 tried three times in process (no waiting in test mode), as one attempt.
    assertThat(payments.tries).containsExactly("acc-1#1", "acc-1#1", "acc-1#1");
    assertThat(kit.history("charge-1"))
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.outcome()).isEqualTo(RunOutcome.FAILED);
              assertThat(run.attempt()).isEqualTo(1);
              assertThat(run.error()).contains("payment service unavailable for acc-1");
            });
    assertThat(kit.job("charge-1").orElseThrow().state()).isEqualTo(JobState.SCHEDULED);

    // The persisted tier: attempt 2 after the initial backoff (1 minute), not before.
    kit.advance(Duration.ofSeconds(59));
    kit.runDue();
    assertThat(kit.history("charge-1")).hasSize(1);
    kit.advance(Duration.ofSeconds(1));
    kit.runDue();
    assertThat(kit.history("charge-1")).extracting(JobRun::attempt).containsExactly(1, 2);

    // Attempt 3 after twice that; then no attempt is left.
    kit.advance(Duration.ofMinutes(2));
    kit.runDue();
    assertThat(kit.history("charge-1"))
        .extracting(JobRun::attempt, JobRun::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, RunOutcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(2, RunOutcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(3, RunOutcome.FAILED));
    assertThat(kit.job("charge-1").orElseThrow().state()).isEqualTo(JobState.DEAD);
    assertThat(kit.job("charge-1").orElseThrow().lastError())
        .contains("payment service unavailable for acc-1");

    kit.advance(Duration.ofDays(1));
    kit.runDue();
    assertThat(kit.history("charge-1")).hasSize(3);
    assertThat(payments.tries).hasSize(9);
  }

  @Test
  void runDueInsideATransactionIsRefusedNamingWhy() {
    assertThatThrownBy(() -> transaction.executeWithoutResult(tx -> kit.runDue()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inside a transaction");
  }

  @Test
  void theClockMovesOnlyWhenTheTestMovesIt() {
    Instant now = kit.now();
    kit.runDue();
    assertThat(kit.now()).isEqualTo(now);
    kit.setTime(now.plus(Duration.ofDays(400)));
    assertThat(kit.now()).isEqualTo(now.plus(Duration.ofDays(400)));
    assertThatThrownBy(() -> kit.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
