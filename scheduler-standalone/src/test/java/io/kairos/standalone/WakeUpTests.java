package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.kairos.schema.KairosSchema;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Workers that poll only once an hour: whatever runs within the test's time did so because it was
 * woken (the API's NOTIFY, or the worker's own trigger for near-due reschedules), not by a poll.
 */
class WakeUpTests {

  KairosUnderTest kairos;
  HikariDataSource pool;
  JdbcTemplate jdbc;

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.close();
    }
    if (kairos != null) {
      kairos.close();
    }
  }

  @Test
  void aJobPostedForNowIsStartedByTheWakeUpLongBeforeTheNextPoll() throws Exception {
    start(true);
    post("{\"type\":\"noop\",\"id\":\"woken\"}");
    await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(state("woken")));
  }

  @Test
  void theListenerReconnectsAfterItsConnectionIsKilled() throws Exception {
    start(true);
    String listeners =
        "select count(*) from pg_stat_activity where datname = current_database()"
            + " and query ilike 'LISTEN%'";
    await().atMost(Duration.ofSeconds(30)).until(() -> count(listeners) == 1);
    Integer killed =
        jdbc.queryForObject(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity"
                + " where datname = current_database() and query ilike 'LISTEN%'",
            Integer.class);
    assertThat(killed).isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> count(listeners) == 1);

    post("{\"type\":\"noop\",\"id\":\"woken-after-reconnect\"}");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "COMPLETED".equals(state("woken-after-reconnect")));
  }

  @Test
  void aRecurringJobsNextOccurrencesInsideThePollWindowAreNotLeftToThePoll() throws Exception {
    start(true);
    post("{\"type\":\"noop\",\"id\":\"every-second\",\"schedule\":{\"every\":\"PT1S\"}}");
    // Ten in a row: each occurrence must be woken for (the poll is an hour away), and a wake-up
    // that came less than a millisecond early once broke the chain after a few.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                count(
                        KairosSchema.DEFAULT.sql(
                            "select count(*) from kairos_job_run where job_id = 'every-second'"
                                + " and outcome = 'SUCCEEDED'"))
                    >= 10);
  }

  @Test
  void withoutWakeUpsTheSameJobWaitsForThePoll() throws Exception {
    start(false);
    post("{\"type\":\"noop\",\"id\":\"not-woken\"}");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> "ACTIVE".equals(state("not-woken")));
  }

  private void start(boolean wakeUps) {
    kairos =
        KairosUnderTest.start(
            List.of("--db-scheduler.polling-interval=1h", "--kairos.worker.wake-ups=" + wakeUps),
            List.of("--kairos.api.wake-up-horizon=" + (wakeUps ? "10s" : "0s")));
    pool = kairos.db.dataSource(2);
    jdbc = new JdbcTemplate(pool);
    // The worker polls once as it starts; wait for that so no later job is found by it.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                count(
                        KairosSchema.DEFAULT.sql(
                            "select count(*) from kairos_node where state = 'RUNNING'"))
                    == 1);
  }

  private void post(String body) throws Exception {
    assertThat(kairos.post("/api/v1/jobs", body).statusCode()).isEqualTo(201);
  }

  private String state(String id) {
    return jdbc.queryForObject(
        KairosSchema.DEFAULT.sql("select state from kairos_job where id = ?"), String.class, id);
  }

  private int count(String sql) {
    return jdbc.queryForObject(sql, Integer.class);
  }
}
