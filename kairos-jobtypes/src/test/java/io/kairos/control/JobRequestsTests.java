package io.kairos.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobRequest;
import io.kairos.job.MisfirePolicy;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.serialization.KairosJson;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The translation of a request into a job, as far as it needs no database. */
class JobRequestsTests {

  static final ObjectMapper JSON = KairosJson.newObjectMapper();

  final SettableClock clock = new SettableClock();
  final JobRequests requests =
      new JobRequests(new JobCatalogue(BuiltInJobTypes.all(), JSON), JSON, clock);

  /**
   * Jobs created from Java before keep their stored hashes: the same request after an upgrade is
   * still a replay, not a conflict. The expected values are the SHA-256 of the canonical JSON
   * (members sorted, nulls left out) that earlier releases hashed.
   */
  @Test
  void aJavaRequestHashesAsEarlierReleasesStoredIt() {
    clock.set(Instant.parse("2026-06-01T12:00:00Z"));
    // {"id":"nightly-report","maxAttempts":3,"payload":{"message":"hi"},"priority":0,
    //  "schedule":{"every":"PT5M"},"type":"log"}
    assertThat(
            requests
                .toNewJob(
                    JobRequest.of("nightly-report", "log", Map.of("message", "hi"))
                        .every(Duration.ofMinutes(5)),
                    "app:test")
                .requestHash())
        .isEqualTo("23267edb5fb86cd774c3d8e0c404143553e30c4852ccc3a6ee605652305b1d2e");
    // {"group":"g","id":"r-2","maxAttempts":3,"misfireGrace":"PT876600H","payload":{},
    //  "priority":5,"schedule":{"at":"2026-12-18T18:00:00Z"},"timeout":"PT30S","type":"noop"}
    assertThat(
            requests
                .toNewJob(
                    JobRequest.of("r-2", "noop", null)
                        .at(Instant.parse("2026-12-18T18:00:00Z"))
                        .group("g")
                        .priority(5)
                        .timeout(Duration.ofSeconds(30))
                        .misfireGrace(MisfirePolicy.NONE),
                    "app:test")
                .requestHash())
        .isEqualTo("369d1ffe54c9df53015d7a45a715c6e4d2f1324a7223ad3feb1b7af6ca5c4846");
  }

  /** What the API refuses, a request from Java or a follow-up is refused for too, alike. */
  @Test
  void aJavaRequestIsCheckedAsTheApisAre() {
    clock.set(Instant.parse("2026-06-01T12:00:00Z"));
    assertThatThrownBy(
            () -> requests.toNewJob(JobRequest.of("notify:dead:x:1", "noop", null), "app:test"))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("id"));
    assertThatThrownBy(
            () ->
                requests.toNewJob(
                    JobRequest.of("nul", "log", Map.of("message", "a\u0000b")), "app:test"))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("payload.message"));
    assertThatThrownBy(() -> JobRequest.of("..", "noop", null))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.reason()).contains("'.' or '..'"));
    assertThat(
            requests
                .toNewJob(JobRequest.of("lines", "log", Map.of("message", "a\nb\tc")), "app:test")
                .payload()
                .get("message")
                .asText())
        .isEqualTo("a\nb\tc");
  }
}
