package io.kairos.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.job.InvalidJobException;
import io.kairos.job.InvalidJobException.Problem;
import io.kairos.job.Job;
import io.kairos.job.JobRequest;
import io.kairos.job.JobRun;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.NewJob;
import io.kairos.job.RunOutcome;
import io.kairos.job.ScheduleSpec;
import io.kairos.registry.JobStore;
import io.kairos.serialization.KairosJson;
import io.kairos.spring.KairosJobs;
import io.kairos.test.KitApp.Settlement;
import io.kairos.test.KitApp.Transfer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Payload constraints where an application creates jobs (its own code, a handler's follow-ups) and
 * where a worker binds them; and an attempt run again after its worker died, as the kit shows it.
 * Same configuration as {@link KairosTestKitTests}, so the same context.
 */
@SpringBootTest(
    classes = KitApp.class,
    properties = {
      "kairos.worker.built-in-types=none",
      "kairos.worker.retry.initial-backoff=1m",
      "kairos.worker.retry.multiplier=2.0"
    })
@KairosTest
class PayloadsAndReRunsTests {

  static final ObjectMapper JSON = KairosJson.newObjectMapper();

  @Autowired KairosTestKit kit;
  @Autowired KairosJobs jobs;
  @Autowired KitApp.Bookings bookings;
  @Autowired JobStore registry;
  @Autowired io.kairos.core.Kairos kairos;
  @Autowired TransactionTemplate transaction;

  @Test
  void kairosJobsRefusesAPayloadNamingEveryFieldThatBreaksAConstraint() {
    assertThatThrownBy(
            () ->
                jobs.create(
                    JobRequest.of(
                        "transfer-bad", "book-transfer", new Transfer(" ", -5, "nobody"))))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            invalid ->
                assertThat(invalid.problems())
                    .extracting(Problem::field)
                    .containsExactlyInAnyOrder(
                        "payload.account", "payload.amountCents", "payload.receiptTo"));
    assertThat(kit.job("transfer-bad")).isEmpty();
  }

  @Test
  void aFollowUpBreakingAConstraintFailsTheAttemptForGoodNamingTheField() {
    jobs.create(
        JobRequest.of("settle-minus", "settle", new Settlement("minus", -1)).maxAttempts(3));

    kit.runDue();

    assertThat(kit.history("settle-minus"))
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.outcome()).isEqualTo(RunOutcome.FAILED);
              assertThat(run.error()).contains("followUp[transfer-of-minus].payload.amountCents");
            });
    Job settle = kit.job("settle-minus").orElseThrow();
    assertThat(settle.state()).isEqualTo(JobState.DEAD);
    assertThat(settle.consecutiveFailures()).isEqualTo(1);
    assertThat(kit.job("transfer-of-minus")).isEmpty();
  }

  @Test
  void aPayloadRefusedWhenTheWorkerBindsItFailsForGoodNamingTheFieldAndCountsAsAFailure() {
    // Stored before its type gained the constraint (here: written past every check).
    transaction.executeWithoutResult(
        tx ->
            registry.create(
                kairos
                    .payloadSecrets()
                    .seal(
                        new NewJob(
                            "transfer-stale",
                            "book-transfer",
                            null,
                            JSON.createObjectNode().put("account", "acc-1").put("amountCents", -1),
                            ScheduleSpec.at(kit.now()),
                            3,
                            0,
                            "stale",
                            "test",
                            null,
                            null)),
                JobSource.API));

    kit.runDue();

    JobRun run = kit.history("transfer-stale").get(0);
    assertThat(kit.history("transfer-stale")).hasSize(1);
    assertThat(run.outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(run.error()).contains("payload.amountCents");
    assertThat(run.detail()).contains("payload.amountCents");
    Job job = kit.job("transfer-stale").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DEAD);
    assertThat(job.consecutiveFailures()).isEqualTo(1);
    assertThat(bookings.booked).doesNotContainValue("acc-1");
  }

  @Test
  void runDueTwiceRunsAnAttemptAgainWithTheSameOccurrenceAsAfterAWorkerDied() {
    jobs.create(JobRequest.of("transfer-twice", "book-transfer", new Transfer("acc-2", 500, null)));

    assertThat(kit.runDueTwice()).isEqualTo(1);

    List<String> calls =
        bookings.calls.stream().filter(call -> call.startsWith("transfer-twice@")).toList();
    assertThat(calls).hasSize(2);
    String occurrence = calls.get(0).substring(0, calls.get(0).indexOf(' '));
    assertThat(calls)
        .containsExactly(occurrence + " attempt 1 false", occurrence + " attempt 2 true");
    // Keyed by the occurrence, the side effect took place once.
    assertThat(bookings.booked).containsEntry(occurrence, "acc-2");
    assertThat(bookings.booked.keySet().stream().filter(k -> k.startsWith("transfer-twice@")))
        .hasSize(1);
    assertThat(kit.history("transfer-twice"))
        .extracting(JobRun::outcome, JobRun::attempt, JobRun::recovered)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(RunOutcome.WORKER_DIED, 1, false),
            org.assertj.core.groups.Tuple.tuple(RunOutcome.SUCCEEDED, 2, true));
    assertThat(kit.job("transfer-twice").orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(kit.runDue()).isZero();
  }

  @Test
  void runDueThenCrashLeavesTheOccurrenceDueAgainAndTheClockWhereItWas() {
    jobs.create(JobRequest.of("transfer-crash", "book-transfer", new Transfer("acc-3", 700, null)));
    var before = kit.now();

    kit.runDueThenCrash();

    assertThat(kit.now()).isEqualTo(before);
    assertThat(kit.history("transfer-crash"))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.WORKER_DIED);
    assertThat(kit.job("transfer-crash").orElseThrow().state()).isEqualTo(JobState.SCHEDULED);
    assertThat(kit.runDue()).isEqualTo(1);
    assertThat(kit.history("transfer-crash"))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.WORKER_DIED, RunOutcome.SUCCEEDED);
  }
}
