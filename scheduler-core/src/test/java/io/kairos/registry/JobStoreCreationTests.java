package io.kairos.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import io.kairos.catalogue.SealedJob;
import io.kairos.job.Job;
import io.kairos.job.JobData;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A job created in one statement ({@link JobStore#createAlone}) is returned as a read of it would
 * return it, its execution is db-scheduler's, and a taken id writes nothing.
 */
class JobStoreCreationTests {

  static KairosFixture fixture;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(Noop.TYPE, new Noop()), 2);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @Test
  void theJobReturnedIsTheJobARead() {
    NewJob oneTime =
        withTimeouts(
            fixture.job(
                "alone-at",
                "noop",
                fixture.payload("{\"z\": 1, \"a\": {\"nested\": [1, 2.5, \"x\"]}}"),
                // Nanoseconds that PostgreSQL would round: the stored time is the one returned.
                ScheduleSpec.at(Instant.parse("2030-01-02T03:04:05.123456789Z")),
                4));
    NewJob recurring =
        fixture.job(
            "alone-cron", "noop", null, ScheduleSpec.cron("0 */5 * * * *", ZoneOffset.UTC), 1);
    SchedulerClient client = fixture.kairos(new SystemClock()).schedulerClient();
    for (NewJob job : new NewJob[] {oneTime, recurring}) {
      Job created = fixture.jobs.createAlone(fixture.sealed(job), JobSource.API).orElseThrow();
      assertThat(created).isEqualTo(fixture.jobs.find(job.id()).orElseThrow());
      var execution =
          client.getScheduledExecution(TaskInstanceId.of("noop", job.id())).orElseThrow();
      assertThat(execution.getExecutionTime()).isEqualTo(created.nextRunAt());
      assertThat(fixture.serializer.deserialize(JobData.class, (byte[]) execution.getData()))
          .isEqualTo(job.firstData());
      assertThat(
              fixture.jdbc.queryForObject(
                  "select priority from kairos.scheduled_tasks where task_instance = ?",
                  Integer.class,
                  job.id()))
          .isEqualTo(job.priority());
    }
  }

  @Test
  void aTakenIdWritesNothing() {
    NewJob first = fixture.job("taken", "noop", null, ScheduleSpec.at(Instant.now()), 1);
    Job created = fixture.jobs.createAlone(fixture.sealed(first), JobSource.API).orElseThrow();
    NewJob second =
        fixture.job(
            "taken",
            "noop",
            fixture.payload("{\"other\": true}"),
            ScheduleSpec.at(Instant.now().plusSeconds(60)),
            3);
    assertThat(fixture.jobs.createAlone(fixture.sealed(second), JobSource.API)).isEmpty();
    assertThat(fixture.jobs.find("taken")).contains(created);
  }

  @Test
  void aLeftoverExecutionOfTheIdFailsTheCreationWhole() {
    fixture.jdbc.update(
        "insert into kairos.scheduled_tasks (task_name, task_instance, execution_time, picked,"
            + " version) values ('noop', 'leftover', now(), false, 1)");
    SealedJob job =
        fixture.sealed(fixture.job("leftover", "noop", null, ScheduleSpec.at(Instant.now()), 1));
    assertThatThrownBy(() -> fixture.jobs.createAlone(job, JobSource.API))
        .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
    assertThat(fixture.jobs.find("leftover")).isEmpty();
  }

  private static NewJob withTimeouts(NewJob job) {
    return new NewJob(
        job.id(),
        job.type(),
        "group-a",
        job.payload(),
        job.schedule(),
        job.maxAttempts(),
        7,
        job.requestHash(),
        job.createdBy(),
        Duration.ofSeconds(90),
        Duration.ofMinutes(5),
        java.util.List.of());
  }
}
