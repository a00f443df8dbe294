package io.kairos.api.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.job.ScheduleResponse;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobState;
import io.kairos.job.RunOutcome;
import io.kairos.registry.ClusterOverviewStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the pages compute from core's answers: redaction, fire times, the chart, time formats. */
class UiViewModelTests {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void secretsInPayloadsAreMaskedAndTheRestIsKept() throws Exception {
    JsonNode payload =
        JSON.readTree(
            """
            {"url": "https://user:pw@hooks.example.com/x?token=abc&page=2",
             "headers": {"Authorization": "Bearer s3cret", "X-Trace": "t-1"},
             "body": {"password": "hunter2", "clientSecret": "cs", "apiKey": "k", "name": "Ann",
                      "items": [{"refresh_token": "rt", "n": 1}], "none": null},
             "subject": "Meeting at 18:00"}
            """);
    String shown = PayloadRedactor.redact(payload).toString();
    assertThat(shown)
        .doesNotContain("s3cret", "t-1", "hunter2", "\"cs\"", "\"k\"", "\"rt\"", "abc", "user:pw")
        .contains("Meeting at 18:00", "Ann", "\"n\":1", "page=2", "hooks.example.com/x")
        .contains("\"Authorization\":\"***\"", "\"X-Trace\":\"***\"", "token=***");
    assertThat(PayloadRedactor.redact(payload).at("/body/none").isNull()).isTrue();
    // The stored payload itself is untouched.
    assertThat(payload.at("/headers/Authorization").asText()).isEqualTo("Bearer s3cret");
    assertThat(PayloadRedactor.url("not a url ?token=x")).isEqualTo("not a url ?token=x");
  }

  @Test
  void fireTimesFollowTheCronInItsZoneAcrossDaylightSaving() {
    // Europe/Oslo springs forward on 2026-03-29 at 02:00: 02:30 that day is run at 03:30.
    ScheduleResponse daily230 =
        new ScheduleResponse(null, "0 30 2 * * *", "Europe/Oslo", null, null);
    Instant first = Instant.parse("2026-03-27T01:30:00Z"); // 02:30 CET
    List<Instant> times = FireTimes.next(daily230, first, 5);
    assertThat(times)
        .containsExactly(
            Instant.parse("2026-03-27T01:30:00Z"),
            Instant.parse("2026-03-28T01:30:00Z"),
            Instant.parse("2026-03-29T01:30:00Z"), // 03:30 CEST, shifted by the gap
            Instant.parse("2026-03-30T00:30:00Z"), // 02:30 CEST
            Instant.parse("2026-03-31T00:30:00Z"));
    assertThat(FireTimes.zoneOf(daily230)).isEqualTo(ZoneId.of("Europe/Oslo"));
    assertThat(FireTimes.describe(daily230)).isEqualTo("cron 0 30 2 * * * in Europe/Oslo");
  }

  @Test
  void fireTimesOfEveryDailyAndOneTimeSchedules() {
    Instant next = Instant.parse("2026-06-01T10:00:00Z");
    assertThat(FireTimes.next(new ScheduleResponse(null, null, null, "PT5M", null), next, 3))
        .containsExactly(next, next.plusSeconds(300), next.plusSeconds(600));
    assertThat(
            FireTimes.next(
                new ScheduleResponse(null, null, "UTC", null, List.of("03:00", "15:00")), next, 3))
        .containsExactly(
            Instant.parse("2026-06-01T10:00:00Z"),
            Instant.parse("2026-06-01T15:00:00Z"),
            Instant.parse("2026-06-02T03:00:00Z"));
    assertThat(FireTimes.next(new ScheduleResponse(next, null, null, null, null), next, 5))
        .containsExactly(next);
    // A final job has no next run, so nothing is coming.
    assertThat(FireTimes.next(new ScheduleResponse(null, null, null, "PT5M", null), null, 5))
        .isEmpty();
  }

  @Test
  void theChartStacksEachMinutesOutcomesOnAScaleThatFitsThePeak() {
    Instant start = Instant.parse("2026-06-01T10:00:00Z");
    ClusterOverviewStore.Snapshot snapshot =
        new ClusterOverviewStore.Snapshot(
            start.plus(Duration.ofMinutes(59)),
            Map.of(JobState.SCHEDULED, 1L),
            List.of(
                new ClusterOverviewStore.MinuteCount(start, RunOutcome.SUCCEEDED, 3),
                new ClusterOverviewStore.MinuteCount(start, RunOutcome.FAILED, 4),
                new ClusterOverviewStore.MinuteCount(
                    start.plusSeconds(59 * 60), RunOutcome.RUNNING, 1),
                // Outside the window: ignored.
                new ClusterOverviewStore.MinuteCount(
                    start.minusSeconds(60), RunOutcome.FAILED, 99)),
            start,
            new ClusterOverviewStore.Due(0, null),
            0,
            new ClusterOverviewStore.NodeCounts(1, 0, 0, 0),
            List.of());
    OverviewChart chart = OverviewChart.of(snapshot, new UiFormat(ZoneOffset.UTC, Instant.now()));
    assertThat(chart.total()).isEqualTo(8);
    assertThat(chart.bars()).hasSize(3);
    // Peak 7 in one minute: the scale tops at 10; 3 + 4 stacked make 70 % of the plot height.
    assertThat(chart.yTicks())
        .extracting(OverviewChart.Tick::label)
        .containsExactly("0", "5", "10");
    double plot = OverviewChart.HEIGHT - OverviewChart.TOP - OverviewChart.BOTTOM;
    double stacked =
        Double.parseDouble(chart.bars().get(0).height())
            + Double.parseDouble(chart.bars().get(1).height());
    assertThat(stacked).isCloseTo(plot * 0.7, org.assertj.core.data.Offset.offset(0.2));
    assertThat(chart.bars().get(0).outcome()).isEqualTo("SUCCEEDED");
    assertThat(chart.bars().get(1).title()).isEqualTo("10:00: 4 failed");
    assertThat(Double.parseDouble(chart.bars().get(2).x()))
        .isGreaterThan(Double.parseDouble(chart.bars().get(0).x()));
    assertThat(chart.legend())
        .filteredOn(l -> l.outcome().equals("FAILED"))
        .extracting(OverviewChart.Legend::count)
        .containsExactly(4L);
    assertThat(OverviewChart.niceCeiling(1)).isEqualTo(1);
    assertThat(OverviewChart.niceCeiling(11)).isEqualTo(20);
    assertThat(OverviewChart.niceCeiling(201)).isEqualTo(500);
  }

  @Test
  void timesAreShownInTheViewersZoneAndAnUnknownZoneIsA400() {
    Instant now = Instant.parse("2026-06-01T10:00:00Z");
    UiFormat oslo = new UiFormat(UiFormat.viewerZone("Europe/Oslo"), now);
    assertThat(oslo.time(now)).isEqualTo("2026-06-01 12:00:00");
    assertThat(new UiFormat(UiFormat.viewerZone(null), now).time(now))
        .isEqualTo("2026-06-01 10:00:00");
    assertThat(oslo.ago(now.minusSeconds(90))).isEqualTo("1 min 30 s ago");
    assertThat(oslo.ago(now.plusSeconds(3 * 3600))).isEqualTo("in 3 h");
    assertThat(oslo.took(now.minusMillis(1500), now)).isEqualTo("1.5 s");
    assertThat(oslo.took(now.minusSeconds(20), null)).isEqualTo("running 20 s");
    assertThatThrownBy(() -> UiFormat.viewerZone("Mars/Olympus"))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("tz");
  }

  @Test
  void actionsGoBackOnlyToDashboardPages() {
    assertThat(ActionResult.back("/ui/jobs?state=PAUSED", "/ui/jobs"))
        .isEqualTo("/ui/jobs?state=PAUSED");
    for (String elsewhere :
        new String[] {
          "https://evil.example/", "//evil.example/ui/", "/ui/\\evil", "/api/v1/jobs"
        }) {
      assertThat(ActionResult.back(elsewhere, "/ui/jobs")).isEqualTo("/ui/jobs");
    }
    assertThat(ActionResult.back("/ui/jobs\r\nSet-Cookie: x=1", "/ui/jobs")).isEqualTo("/ui/jobs");
  }
}
