package io.kairos.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRequest;
import io.kairos.job.JobType;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A follow-up job a handler asks for is stored as every other job is: its secret payload values
 * sealed, in the job row and in its execution's task data alike.
 */
class FollowUpSecretsTests {

  /**
   * A webhook as the core sees one: its headers are secret (the built-in type is kairos-jobtypes').
   */
  static final JobType<JsonNode> WEBHOOK =
      new JobType<>("webhook", JsonNode.class, "", java.util.List.of("headers.*"));

  static final String SECRET = "Bearer s3cr3t-of-the-follow-up";

  record Chain(String next) {}

  static final JobType<Chain> CHAIN = new JobType<>("chain", Chain.class, "asks for a webhook");

  static final JobHandler<Chain> CHAIN_HANDLER =
      (payload, context) ->
          context.schedule(
              JobRequest.of(
                      payload.next(),
                      "webhook",
                      Map.of(
                          "url",
                          "https://hooks.example.com/next",
                          "headers",
                          Map.of("Authorization", SECRET)))
                  .at(context.scheduledFor().plus(Duration.ofHours(1))));

  static KairosFixture fixture;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(CHAIN, CHAIN_HANDLER, WEBHOOK, (payload, context) -> {}), 4);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @Test
  void aFollowUpWebhooksHeaderIsStoredSealedInItsRowAndItsTaskData() {
    SettableClock clock = new SettableClock();
    clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    try (JobTasks tasks =
        fixture.jobTasks(
            clock, new PersistedBackoff(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(1)))) {
      ManualScheduler scheduler =
          (ManualScheduler)
              TestHelper.createManualScheduler(fixture.schedulerDataSource, fixture.tasks(tasks))
                  .clock(clock)
                  .serializer(fixture.serializer)
                  .tableName(KairosSchema.DEFAULT.table("scheduled_tasks"))
                  .build();
      fixture
          .submitter(clock)
          .submit(
              fixture.job(
                  "first",
                  "chain",
                  fixture.payload("{\"next\": \"first-follow-up\"}"),
                  ScheduleSpec.at(clock.now()),
                  1));

      scheduler.runAnyDueExecutions();

      String row =
          fixture.jdbc.queryForObject(
              "select payload::text from kairos.kairos_job where id = 'first-follow-up'",
              String.class);
      String taskData =
          fixture.jdbc.queryForObject(
              "select convert_from(task_data, 'UTF8') from kairos.scheduled_tasks"
                  + " where task_instance = 'first-follow-up'",
              String.class);
      for (String stored : new String[] {row, taskData}) {
        assertThat(stored).doesNotContain("s3cr3t");
        JsonNode header = headerIn(fixture.payload(stored));
        assertThat(header.isObject()).as("sealed header in %s", stored).isTrue();
        assertThat(header.fieldNames()).toIterable().containsExactly("sealed");
        assertThat(header.get("sealed").asText()).startsWith("v1:k1:");
      }
    }
  }

  /** The Authorization header of a stored payload, or of the payload in stored task data. */
  private static JsonNode headerIn(JsonNode stored) {
    JsonNode payload = stored.has("payload") ? stored.get("payload") : stored;
    return payload.at("/headers/Authorization");
  }
}
