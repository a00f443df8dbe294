package io.kairos.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.SystemClock;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dead and cancelled jobs are pruned after their retention, on a real PostgreSQL. */
class HousekeeperTests {

  KairosFixture fixture;

  @BeforeEach
  void setUp() {
    fixture = new KairosFixture(Map.of(Noop.TYPE, new Noop()), 2);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void deadAndCancelledJobsOlderThanTheRetentionArePrunedAndOthersKept() {
    for (String id : new String[] {"old-dead", "old-cancelled", "new-cancelled", "live"}) {
      fixture
          .submitter(new SystemClock())
          .submit(
              fixture.job(id, "noop", null, ScheduleSpec.at(Instant.now().plusSeconds(3600)), 3));
    }
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql("delete from scheduled_tasks where task_instance <> 'live'"));
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update kairos_job set state = 'DEAD', finished_at = now() - interval '31 days'"
                + " where id = 'old-dead'"));
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update kairos_job set state = 'CANCELLED', finished_at = now() - interval '31 days'"
                + " where id = 'old-cancelled'"));
    fixture.jdbc.update(
        KairosSchema.DEFAULT.sql(
            "update kairos_job set state = 'CANCELLED', finished_at = now() - interval '29 days'"
                + " where id = 'new-cancelled'"));

    long pruned =
        fixture
            .kairos(new SystemClock())
            .housekeeper(1)
            .pruneDeadAndCancelledJobs(Duration.ofDays(30));

    assertThat(pruned).isEqualTo(2);
    assertThat(
            fixture.jdbc.queryForList(
                KairosSchema.DEFAULT.sql("select id from kairos_job order by id"), String.class))
        .containsExactly("live", "new-cancelled");
  }
}
