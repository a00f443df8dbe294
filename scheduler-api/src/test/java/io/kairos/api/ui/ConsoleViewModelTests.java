package io.kairos.api.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.job.JobService;
import io.kairos.job.InvalidJobException;
import io.kairos.job.RunOutcome;
import io.kairos.node.WorkerNode;
import io.kairos.registry.AttemptTimelineStore;
import io.kairos.registry.ClusterOverviewStore;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's view models: the failover timeline, the schema-generated form, the runs order. */
class ConsoleViewModelTests {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  static final UiFormat FMT = new UiFormat(ZoneOffset.UTC, NOW);

  @Test
  void aDeadWorkersAttemptIsJoinedToTheAttemptThatReRanItOnAnotherNode() {
    var window =
        new AttemptTimelineStore.Window(
            NOW.minusSeconds(900),
            NOW,
            List.of(
                attempt(1, "other", "w-b", 1, 800, 790, RunOutcome.SUCCEEDED, false),
                attempt(2, "job-x", "w-a", 1, 600, 300, RunOutcome.WORKER_DIED, false),
                attempt(3, "job-y", "w-b", 1, 590, 580, RunOutcome.FAILED, false),
                attempt(4, "job-x", "w-b", 2, 299, 200, RunOutcome.SUCCEEDED, true)));
    var dead =
        new ClusterOverviewStore.NodeStatus(
            new WorkerNode(
                "w-a",
                "h",
                1,
                NOW.minusSeconds(3600),
                NOW.minusSeconds(330),
                WorkerNode.State.RUNNING,
                0),
            ClusterOverviewStore.Liveness.DEAD,
            List.of(),
            NOW.minusSeconds(320));
    FailoverTimeline timeline = FailoverTimeline.of(window, List.of(dead), FMT);

    assertThat(timeline.lanes())
        .extracting(FailoverTimeline.Lane::node)
        .containsExactly("w-a", "w-b");
    assertThat(timeline.lanes().get(0).death()).isNotNull();
    assertThat(timeline.lanes().get(0).death().label()).contains("w-a last seen").endsWith("dead");
    assertThat(timeline.lanes().get(1).death()).isNull();
    assertThat(timeline.handovers())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.jobId()).isEqualTo("job-x");
              assertThat(h.diedOn()).isEqualTo("w-a");
              assertThat(h.recoveredOn()).isEqualTo("w-b");
              assertThat(h.recoveredAttempt()).isEqualTo(2);
              assertThat(h.recoveredOutcome()).isEqualTo("SUCCEEDED");
            });
    FailoverTimeline.Bar recovered =
        timeline.lanes().get(1).bars().stream()
            .filter(FailoverTimeline.Bar::recovered)
            .findFirst()
            .orElseThrow();
    assertThat(recovered.cssClass()).isEqualTo("attempt o-SUCCEEDED recovered");
    assertThat(recovered.label()).startsWith("job-x, attempt 2 on w-b: SUCCEEDED (recovered");
    // Bars stay inside the plot, the newest ending at "now".
    for (FailoverTimeline.Lane lane : timeline.lanes()) {
      for (FailoverTimeline.Bar bar : lane.bars()) {
        double x = Double.parseDouble(bar.x());
        assertThat(x).isBetween(0.0, FailoverTimeline.WIDTH - 0.0);
        assertThat(x + Double.parseDouble(bar.width()))
            .isLessThanOrEqualTo(FailoverTimeline.WIDTH - FailoverTimeline.RIGHT + 0.05);
      }
    }
    assertThat(timeline.ticks()).last().extracting(FailoverTimeline.Tick::label).isEqualTo("now");
  }

  @Test
  void theFormHasAFieldPerSchemaPropertyNamedAsTheApiNamesIt() throws Exception {
    JsonNode schema =
        JSON.readTree(
            """
            {"type": "object", "required": ["url"],
             "properties": {
               "method": {"type": "string", "enum": ["GET", "POST"]},
               "url": {"type": "string", "description": "where"},
               "retries": {"type": "integer", "minimum": 0, "maximum": 5},
               "ratio": {"type": ["number", "null"]},
               "dryRun": {"type": "boolean"},
               "headers": {"type": "object"}}}
            """);
    PayloadForm form =
        PayloadForm.of(
            schema,
            Map.of(
                "payload.method", "GET",
                "payload.url", " https://x.example ",
                "payload.retries", "3",
                "payload.ratio", "",
                "payload.dryRun", "true",
                "payload.headers", "{\"X-A\": \"1\"}"));
    assertThat(form.fields())
        .extracting(PayloadForm.Field::name, PayloadForm.Field::kind, PayloadForm.Field::required)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("payload.method", "choice", false),
            org.assertj.core.groups.Tuple.tuple("payload.url", "text", true),
            org.assertj.core.groups.Tuple.tuple("payload.retries", "integer", false),
            org.assertj.core.groups.Tuple.tuple("payload.ratio", "number", false),
            org.assertj.core.groups.Tuple.tuple("payload.dryRun", "boolean", false),
            org.assertj.core.groups.Tuple.tuple("payload.headers", "json", false));
    assertThat(form.fields().get(2).min()).isEqualTo("0");
    assertThat(form.fields().get(2).max()).isEqualTo("5");
    assertThat(form.fields().get(0).options()).containsExactly("GET", "POST");
    assertThat(form.payload(JSON).toString())
        .isEqualTo(
            "{\"method\":\"GET\",\"url\":\"https://x.example\",\"retries\":3,\"dryRun\":true,"
                + "\"headers\":{\"X-A\":\"1\"}}");
    // Not a number: passed on as text, for the API's schema check to name the field.
    assertThat(PayloadForm.of(schema, Map.of("payload.retries", "three")).payload(JSON).toString())
        .isEqualTo("{\"retries\":\"three\"}");
    assertThatThrownBy(
            () -> PayloadForm.of(schema, Map.of("payload.headers", "{nope")).payload(JSON))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> assertThat(e.problems().get(0).field()).isEqualTo("payload.headers"));
  }

  @Test
  void runsAreOldestFirstUnlessNewestIsAskedFor() {
    assertThat(JobService.RunOrder.of(null)).isEqualTo(JobService.RunOrder.OLDEST);
    assertThat(JobService.RunOrder.of("newest")).isEqualTo(JobService.RunOrder.NEWEST);
    assertThat(JobService.RunOrder.of(" Oldest ")).isEqualTo(JobService.RunOrder.OLDEST);
    assertThatThrownBy(() -> JobService.RunOrder.of("random"))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("order"));
  }

  private static AttemptTimelineStore.Attempt attempt(
      long id,
      String job,
      String node,
      int n,
      long startedSecondsAgo,
      long finishedSecondsAgo,
      RunOutcome outcome,
      boolean recovered) {
    return new AttemptTimelineStore.Attempt(
        id,
        job,
        "noop",
        node,
        n,
        NOW.minusSeconds(startedSecondsAgo),
        NOW.minusSeconds(finishedSecondsAgo),
        outcome,
        recovered);
  }
}
